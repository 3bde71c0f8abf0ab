#include "guardedactiondialog.h"

#include "guarded/actionrunner.h"
#include "guarded/guardedaction.h"

#include <QCloseEvent>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace turnstile {

GuardedActionDialog::GuardedActionDialog(std::shared_ptr<GuardedAction> action,
                                         const Profile &profile, QWidget *parent)
    : QDialog(parent), m_profile(profile), m_runner(new ActionRunner(action, profile, this)),
      m_previewView(new QTextBrowser(this)), m_confirmLabel(new QLabel(this)),
      m_confirm(new QLineEdit(this)), m_acknowledgeLabel(new QLabel(this)),
      m_acknowledge(new QLineEdit(this)), m_progress(new QProgressBar(this)),
      m_status(new QLabel(this)), m_run(new QPushButton(tr("Run"), this)),
      m_cancel(new QPushButton(tr("Close"), this)), m_followUp(new QPushButton(this))
{
    setWindowTitle(tr("Guarded action — %1").arg(profile.name));
    setMinimumSize(720, 560);
    m_previewView->setOpenLinks(false);
    m_previewView->setPlainText(tr("Computing the preview (a dry run; nothing is changed)…"));
    m_confirmLabel->setWordWrap(true);
    m_confirmLabel->setTextFormat(Qt::RichText);
    m_confirm->setEnabled(false);
    m_confirm->setPlaceholderText(tr("type the target exactly"));
    m_acknowledgeLabel->setWordWrap(true);
    m_acknowledgeLabel->hide();
    m_acknowledge->hide();
    m_acknowledge->setPlaceholderText(tr("number of items"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->hide();
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_run->setEnabled(false);
    m_run->setAutoDefault(false);
    m_cancel->setAutoDefault(false);
    m_followUp->setAutoDefault(false);
    m_followUp->hide();

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_run, QDialogButtonBox::AcceptRole);
    buttons->addButton(m_followUp, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::RejectRole);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_previewView, 1);
    layout->addWidget(m_confirmLabel);
    layout->addWidget(m_confirm);
    layout->addWidget(m_acknowledgeLabel);
    layout->addWidget(m_acknowledge);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_confirm, &QLineEdit::textChanged, this, &GuardedActionDialog::updateRunEnabled);
    connect(m_acknowledge, &QLineEdit::textChanged, this, &GuardedActionDialog::updateRunEnabled);
    connect(m_run, &QPushButton::clicked, this, &GuardedActionDialog::startRun);
    connect(m_followUp, &QPushButton::clicked, this, &GuardedActionDialog::startFollowUp);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (!m_running) {
            QDialog::reject();
            return;
        }
        // Stop after the batch in flight and stay open to show the result.
        m_runner->cancel();
        m_cancel->setEnabled(false);
        m_status->setText(tr("Cancelling after the current batch…"));
    });
    connect(m_runner, &ActionRunner::previewReady, this, &GuardedActionDialog::showPreview);
    connect(m_runner, &ActionRunner::progress, this, &GuardedActionDialog::showProgress);
    connect(m_runner, &ActionRunner::finished, this, &GuardedActionDialog::showResult);
    m_runner->requestPreview();
}

GuardedActionDialog::~GuardedActionDialog() = default;

std::optional<GuardedAction::FollowUp> GuardedActionDialog::followUp() const
{
    return m_runner->followUp();
}

void GuardedActionDialog::showPreview(const ActionPreview &p)
{
    m_preview = p;
    m_hasPreview = true;
    // The wording is ActionPreview::describe()'s, shared with turnstilectl;
    // the dialog only lays it out.
    using K = ActionPreview::Line::Kind;
    auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    QString table, sentences, statements;
    for (const ActionPreview::Line &line : p.describe()) {
        switch (line.kind) {
        case K::Target:
        case K::Server:
        case K::Figure:
            table += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                         .arg(esc(line.label), esc(line.text));
            break;
        case K::Refusal:
            sentences += QStringLiteral("<p style='color:#c62828'><b>%1</b> %2</p>")
                             .arg(esc(tr("%1:").arg(line.label)), esc(line.text));
            break;
        case K::Consequence:
            sentences += QStringLiteral("<p>%1</p>").arg(esc(line.text));
            break;
        case K::Warning:
            sentences += QStringLiteral("<p style='color:#b26a00'>%1</p>").arg(esc(line.text));
            break;
        case K::Statement:
            statements +=
                QStringLiteral("<p style='white-space:pre-wrap; font-family:monospace'>%1</p>")
                    .arg(esc(line.text));
            break;
        }
    }
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing=4>%2</table>%3")
                       .arg(esc(p.title), table, sentences);
    if (!statements.isEmpty())
        html +=
            QStringLiteral("<p><b>%1</b></p>").arg(esc(tr("Statements, one chunk at a time:"))) +
            statements;
    m_previewView->setHtml(html);
    if (p.refused()) {
        m_status->setText(p.refusal);
    } else if (p.nothingToDo()) {
        m_status->setText(tr("Nothing to delete."));
    } else {
        m_confirmLabel->setText(tr("To run it, type the target <b><code>%1</code></b>:")
                                    .arg(p.target.text.toHtmlEscaped()));
        m_confirm->setEnabled(true);
        m_confirm->setFocus();
        if (p.mustAcknowledge > 0) {
            m_acknowledgeLabel->setText(
                tr("This also needs an acknowledgement: type %L1, the number of items whose "
                   "deletion changes what Keystone accepts (see above).")
                    .arg(p.mustAcknowledge));
            m_acknowledgeLabel->show();
            m_acknowledge->show();
        }
    }
    emit previewShown();
}

void GuardedActionDialog::updateRunEnabled()
{
    bool ok = m_hasPreview && !m_running && !m_result && !m_preview.refused() &&
              !m_preview.nothingToDo() && m_preview.target.matches(m_confirm->text());
    if (ok && m_preview.mustAcknowledge > 0) {
        bool isNumber = false;
        const qint64 n = m_acknowledge->text().trimmed().toLongLong(&isNumber);
        ok = isNumber && n == m_preview.mustAcknowledge;
    }
    m_run->setEnabled(ok);
}

void GuardedActionDialog::startRun()
{
    if (!m_run->isEnabled())
        return;
    m_running = true;
    m_run->setEnabled(false);
    m_confirm->setEnabled(false);
    m_acknowledge->setEnabled(false);
    m_cancel->setText(tr("Cancel"));
    m_progress->show();
    if (m_preview.rowsToGo > 0)
        m_progress->setRange(0, 1000);
    else
        m_progress->setRange(0, 0);
    m_status->setText(tr("Running…"));
    Confirmation c;
    c.typedTarget = m_confirm->text();
    c.acknowledged = m_acknowledge->text().trimmed().toLongLong();
    m_runner->requestRun(m_preview, c);
}

void GuardedActionDialog::showProgress(const ActionProgress &p)
{
    // No rows (a key rotation): the action counts its steps.
    if (m_preview.rowsToGo < 0)
        m_progress->setRange(0, 1000);
    if (p.total > 0)
        m_progress->setValue(int(std::min<qint64>(1000, p.done * 1000 / p.total)));
    m_status->setText(p.describe(m_preview.rowsToGo >= 0));
}

void GuardedActionDialog::showResult(const ActionResult &r)
{
    m_running = false;
    m_result = r;
    m_cancel->setText(tr("Close"));
    m_cancel->setEnabled(true);
    if (r.outcome == ActionResult::Outcome::Completed)
        m_progress->setValue(m_progress->maximum());
    QStringList text{r.message};
    text += r.figures(m_preview.rowsToGo >= 0);
    if (const auto &next = m_runner->followUp()) {
        text.append(next->question);
        m_followUp->setText(next->title);
        m_followUp->show();
    }
    m_status->setText(text.join(u'\n'));
    emit actionFinished(r);
}

bool GuardedActionDialog::startFollowUp()
{
    if (m_running || !m_runner->startFollowUp())
        return false;
    // A new action from the start: its own preview, typed confirmation,
    // progress and audit record.
    m_followUp->hide();
    m_result.reset();
    m_hasPreview = false;
    m_preview = ActionPreview();
    m_confirm->clear();
    m_confirm->setEnabled(false);
    m_confirmLabel->clear();
    m_acknowledge->clear();
    m_acknowledge->setEnabled(true);
    m_acknowledge->hide();
    m_acknowledgeLabel->hide();
    m_progress->hide();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_run->setEnabled(false);
    m_previewView->setPlainText(tr("Computing the preview (a dry run; nothing is changed)…"));
    m_status->clear();
    return true;
}

void GuardedActionDialog::reject()
{
    if (m_running) {
        // Closing the window while a batch runs: stop after it; the dialog
        // closes itself once the result (and its audit line) is in.
        m_runner->cancel();
        m_cancel->setEnabled(false);
        m_status->setText(tr("Cancelling after the current batch…"));
        connect(this, &GuardedActionDialog::actionFinished, this, &QDialog::reject,
                Qt::SingleShotConnection);
        return;
    }
    QDialog::reject();
}

void GuardedActionDialog::closeEvent(QCloseEvent *e)
{
    if (m_running) {
        reject();
        e->ignore();
        return;
    }
    QDialog::closeEvent(e);
}

} // namespace turnstile
