#include "auditpage.h"
#include "profileselection.h"

#include "auditlogmodel.h"
#include "guarded/auditlog.h"
#include "guarded/auditnotifier.h"

#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace turnstile {

struct AuditRead
{
    QList<QJsonObject> records;
    AuditLog::Verification verification;
    QString error;
    int unreadable = 0;
    QString path;
};

AuditPage::AuditPage(QWidget *parent)
    : QWidget(parent), m_model(new AuditLogModel(this)), m_view(new QTableView(this)),
      m_details(new QTextBrowser(this)), m_chain(new QLabel(this))
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_chain->setWordWrap(true);
    m_chain->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *reloadButton = new QPushButton(tr("Reload"), this);
    connect(reloadButton, &QPushButton::clicked, this, &AuditPage::reload);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *top = new QHBoxLayout;
    top->addWidget(m_chain, 1);
    top->addWidget(reloadButton);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const QJsonObject o = m_model->record(current.row());
                m_details->setPlainText(o.isEmpty() ? QString()
                                                    : QString::fromUtf8(QJsonDocument(o).toJson(
                                                          QJsonDocument::Indented)));
            });
    // Every record this process appends, from whichever thread ran the
    // action: queued to this page's (the GUI) thread.
    connect(AuditNotifier::instance(), &AuditNotifier::appended, this, &AuditPage::reload,
            Qt::QueuedConnection);
    // And those of turnstilectl runs from cron, through the file itself.
    AuditNotifier::instance()->watch(AuditLog().path());
    reload();
}

void AuditPage::setProfile(const QString &profile)
{
    if (profile == m_profile)
        return;
    m_profile = profile;
    reload();
}

void AuditPage::reload()
{
    const QString profile = m_profile;
    // A read that a newer reload overtook is dropped.
    m_read.start(
        [profile] {
            AuditRead r;
            const AuditLog log;
            r.path = log.path();
            r.verification = log.verify();
            if (const auto records = log.read(profile, &r.error, &r.unreadable))
                r.records = *records;
            return r;
        },
        [this](const AuditRead &r) { showRead(r); });
}

void AuditPage::showRead(const AuditRead &r)
{
    m_model->setRecords(AuditLog::runs(r.records));
    m_view->resizeColumnsToContents();
    QString text;
    if (!r.error.isEmpty())
        text = r.error;
    else if (!r.verification.ok)
        text = tr("<b style='color:#c62828'>The audit log %1 has been tampered with or "
                  "damaged:</b> %2")
                   .arg(r.path.toHtmlEscaped(), r.verification.reason.toHtmlEscaped());
    else
        text =
            tr("%n record(s) in %1; the hash chain is intact.", nullptr, int(r.verification.lines))
                .arg(r.path.toHtmlEscaped());
    m_chain->setText(text);
    emit loaded();
}

void AuditPage::selectionChanged(const ProfileSelection &selection)
{
    // The log of the chosen profile, or all of it.
    setProfile(selection.name);
}

} // namespace turnstile
