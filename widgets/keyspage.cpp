#include "keyspage.h"
#include "profileselection.h"

#include "guardedactiondialog.h"
#include "keys/keyrotation.h"
#include "keysmodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QShowEvent>
#include <QTableView>
#include <QVBoxLayout>

namespace turnstile {

KeysPage::KeysPage(QWidget *parent)
    : QWidget(parent), m_model(new KeysModel(this)), m_header(new QLabel(this)),
      m_verdict(new QLabel(this)), m_details(new QLabel(this)), m_view(new QTableView(this)),
      m_refresh(new QPushButton(tr("Refresh"), this)),
      m_rotate(new QPushButton(tr("Rotate and distribute…"), this)),
      m_asOwner(new QCheckBox(tr("As the repository's owner"), this))
{
    m_header->setWordWrap(true);
    m_verdict->setWordWrap(true);
    m_verdict->setTextFormat(Qt::RichText);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    m_rotate->setToolTip(tr("keystone-manage fernet_rotate on the node with the newest primary, "
                            "then node-to-node copies and a fingerprint check, through the "
                            "guarded workflow"));

    m_asOwner->setToolTip(tr("Run the scripts that change a repository as the owner of its "
                             "directory (runuser, or sudo -n, on the node) instead of the ssh "
                             "user"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_refresh);
    buttons->addStretch(1);
    buttons->addWidget(m_asOwner);
    buttons->addWidget(m_rotate);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(m_verdict);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_details);
    layout->addLayout(buttons);

    connect(m_refresh, &QPushButton::clicked, this, &KeysPage::reload);
    connect(m_rotate, &QPushButton::clicked, this, &KeysPage::openRotation);
    setProfile({});
}

KeysPage::~KeysPage()
{
    // A read still running holds no pointer to the page and is not waited
    // for: m_load going makes it stale, and it stops its ssh children at once
    // instead of holding the closing window for a slow node.
    //
    // An open dialog is a child and dies in ~QWidget, when this is no longer
    // a KeysPage: its destroyed() handler must not call back into it.
    if (m_dialog)
        disconnect(m_dialog, nullptr, this, nullptr);
}

void KeysPage::setProfile(const Profile &profile)
{
    const bool changed = !(profile == m_profile);
    m_profile = profile;
    if (profile.name.isEmpty()) {
        m_header->setText(tr("Choose one profile to see its Fernet key repositories."));
    } else if (profile.keyRepositories.isEmpty()) {
        m_header->setText(tr("Profile %1 lists no key repository. Add one per Keystone node "
                             "(a path or ssh://[user@]host[:port]/path) in the profile editor.")
                              .arg(profile.name));
    } else {
        m_header->setText(tr("Profile %1: %n node(s). Keys are read on each node over ssh; "
                             "only fingerprints (a truncated SHA-256) leave the node.",
                             nullptr, int(profile.keyRepositories.size()))
                              .arg(profile.name));
    }
    if (changed) {
        // The other profile's read is stale: it stops its ssh children.
        m_load.cancel();
        m_model->clear();
        m_verdict->clear();
        m_details->clear();
        m_dirty = true;
        if (isVisible())
            reload();
    }
    updateButtons();
}

void KeysPage::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    if (m_dirty)
        reload();
}

void KeysPage::reload()
{
    m_dirty = false;
    if (m_profile.keyRepositories.isEmpty()) {
        m_load.cancel();
        m_model->clear();
        updateButtons();
        return;
    }
    QString error;
    const auto setup = KeySetup::fromProfile(m_profile, &error);
    if (!setup) {
        m_load.cancel();
        m_verdict->setText(
            QStringLiteral("<b style='color:#c62828'>%1</b>").arg(error.toHtmlEscaped()));
        return;
    }
    m_verdict->setText(tr("Reading the key repositories…"));
    // One read at a time (ssh to every node): a refresh while one runs
    // follows it.
    m_load.start(
        [s = *setup](const LatestJob<KeyStatus>::Stale &stale) { return readKeyStatus(s, stale); },
        [this](const KeyStatus &st) {
            showStatus(st);
            updateButtons();
            emit loaded();
        });
    updateButtons();
}

void KeysPage::showStatus(const KeyStatus &st)
{
    m_model->setStatus(st);
    m_view->resizeColumnsToContents();
    const auto level = st.level();
    const QString colour = level >= KeyConsistency::Level::Critical  ? QStringLiteral("#c62828")
                           : level == KeyConsistency::Level::Warning ? QStringLiteral("#b26a00")
                                                                     : QStringLiteral("#2e7d32");
    const QString word = level >= KeyConsistency::Level::Critical  ? tr("Out of sync")
                         : level == KeyConsistency::Level::Warning ? tr("In sync, with problems")
                                                                   : tr("In sync");
    QString html = QStringLiteral("<span style='color:%1; font-size:large'><b>● %2</b></span> "
                                  "%3")
                       .arg(colour, word.toHtmlEscaped(), st.summary().toHtmlEscaped());
    QStringList more;
    for (const KeyDifference &d : st.fernetConsistency.differences)
        if (d.sentence != st.summary())
            more << d.sentence;
    for (const QString &p : st.fernetConsistency.problems)
        more << p;
    if (!more.isEmpty()) {
        html += QStringLiteral("<ul style='margin-top:2px'>");
        for (const QString &m : more)
            html += QStringLiteral("<li>%1</li>").arg(m.toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    m_verdict->setText(html);
    QStringList details;
    if (st.preflight) {
        details << tr("Next rotation (%1):").arg(st.settings.source);
        details += st.preflight->sentences;
        details += st.preflight->warnings;
    }
    details << tr("Read in %1 ms.").arg(qRound(st.durationMs));
    m_details->setText(details.join(u'\n'));
}

void KeysPage::updateButtons()
{
    const bool can = !m_profile.name.isEmpty() && !m_profile.keyRepositories.isEmpty() &&
                     !m_profile.readOnly && !m_dialog;
    m_rotate->setEnabled(can);
    m_asOwner->setEnabled(can);
    m_rotate->setToolTip(
        m_profile.readOnly
            ? tr("Profile %1 is read-only; no guarded action runs against it.").arg(m_profile.name)
            : m_rotate->toolTip());
    m_refresh->setEnabled(!m_profile.keyRepositories.isEmpty());
}

void KeysPage::openRotation()
{
    QString error;
    const auto setup = KeySetup::fromProfile(m_profile, &error);
    if (!setup) {
        m_verdict->setText(
            QStringLiteral("<b style='color:#c62828'>%1</b>").arg(error.toHtmlEscaped()));
        return;
    }
    RotationSettings settings = setup->settings;
    settings.runAsOwner = m_asOwner->isChecked();
    auto action = std::make_shared<KeyRotation>(
        setup->fernet, settings, setup->ssh, KeyRotation::targetFor(m_profile.name, setup->fernet));
    m_dialog = new GuardedActionDialog(action, m_profile, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &GuardedActionDialog::actionFinished, this, [this](const ActionResult &r) {
        emit actionRecorded(r);
        reload();
    });
    connect(m_dialog, &QObject::destroyed, this, [this] {
        m_dialog = nullptr;
        updateButtons();
    });
    updateButtons();
    m_dialog->open();
    emit dialogOpened();
}

void KeysPage::selectionChanged(const ProfileSelection &selection)
{
    setProfile(selection.chosen());
}

} // namespace turnstile
