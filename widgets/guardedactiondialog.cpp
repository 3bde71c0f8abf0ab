#include "guardedactiondialog.h"

#include "guarded/actionrunner.h"
#include "guarded/guardedaction.h"
#include "util/duration.h"
#include "util/rowfigure.h"

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

namespace {
QString when(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))
                       : QStringLiteral("–");
}
QString seconds(double s)
{
    if (s < 0)
        return QStringLiteral("?");
    if (s < 10)
        return QStringLiteral("%1 s").arg(QLocale().toString(s, 'f', 1));
    return formatDuration(qint64(s + 0.5));
}
} // namespace

GuardedActionDialog::GuardedActionDialog(std::shared_ptr<GuardedAction> action,
                                         const Profile &profile, QWidget *parent)
    : QDialog(parent), m_profile(profile), m_runner(new ActionRunner(action, profile, this)),
      m_previewView(new QTextBrowser(this)), m_confirmLabel(new QLabel(this)),
      m_confirm(new QLineEdit(this)), m_acknowledgeLabel(new QLabel(this)),
      m_acknowledge(new QLineEdit(this)), m_progress(new QProgressBar(this)),
      m_status(new QLabel(this)), m_run(new QPushButton(tr("Run"), this)),
      m_cancel(new QPushButton(tr("Close"), this))
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

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_run, QDialogButtonBox::AcceptRole);
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

void GuardedActionDialog::showPreview(const ActionPreview &p)
{
    m_preview = p;
    m_hasPreview = true;
    const QLocale l;
    auto esc = [](const QString &s) { return s.toHtmlEscaped(); };
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing=4>").arg(esc(p.title));
    auto row = [&](const QString &k, const QString &v) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(esc(k), v);
    };
    row(tr("Target"),
        QStringLiteral("<code>%1</code> — %2").arg(esc(p.target.text), esc(p.target.description)));
    if (p.refused()) {
        html += QStringLiteral("</table><p style='color:#c62828'><b>%1</b> %2</p>")
                    .arg(esc(tr("Refused:")), esc(p.refusal));
    } else {
        // Actions that delete no rows (a key rotation) leave cutoff and counts unset.
        if (p.cutoff.isValid())
            row(tr("Cutoff"), esc(when(p.cutoff)));
        if (p.rowsToGo >= 0) {
            row(tr("Rows that go"), esc(formatRows(p.rowsToGo, p.rowsToGoEstimated)));
            row(tr("Rows that stay"), esc(formatRows(p.rowsToStay, p.rowsToStayEstimated)));
        }
        if (p.oldestAffected.isValid())
            row(tr("Affected span"),
                esc(tr("%1 … %2").arg(when(p.oldestAffected), when(p.newestAffected))));
        row(tr("Estimated duration"),
            esc(tr("%1 (from %2)").arg(seconds(p.estimatedSeconds), p.estimateBasis)));
        html += QStringLiteral("</table>");
        for (const QString &c : p.consequences)
            html += QStringLiteral("<p>%1</p>").arg(esc(c));
        for (const QString &w : p.warnings)
            html += QStringLiteral("<p style='color:#b26a00'>%1</p>").arg(esc(w));
        html += QStringLiteral("<p><b>%1</b></p>").arg(esc(tr("Statements, one chunk at a time:")));
        for (const QString &s : p.statements)
            html += QStringLiteral("<p style='white-space:pre-wrap; font-family:monospace'>%1</p>")
                        .arg(esc(s));
    }
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
    const QLocale l;
    if (p.total > 0)
        m_progress->setValue(int(std::min<qint64>(1000, p.done * 1000 / p.total)));
    if (m_preview.rowsToGo < 0) {
        m_progress->setRange(0, 1000);
        m_status->setText(
            tr("Step %1 of %2 · %3").arg(p.done).arg(p.total).arg(seconds(p.elapsedSeconds)));
        if (p.total > 0)
            m_progress->setValue(int(std::min<qint64>(1000, p.done * 1000 / p.total)));
        return;
    }
    m_status->setText(tr("%1 of %2 rows · %3 rows/s · %4 left · batch of %5")
                          .arg(l.toString(p.done), l.toString(p.total),
                               l.toString(qRound64(p.rowsPerSecond)), seconds(p.secondsLeft))
                          .arg(p.currentBatchSize));
}

void GuardedActionDialog::showResult(const ActionResult &r)
{
    m_running = false;
    m_result = r;
    const QLocale l;
    m_cancel->setText(tr("Close"));
    m_cancel->setEnabled(true);
    if (r.outcome == ActionResult::Outcome::Completed)
        m_progress->setValue(m_progress->maximum());
    QString text = r.message;
    if (r.outcome != ActionResult::Outcome::Refused && m_preview.rowsToGo >= 0)
        text += u'\n' + tr("Before %1 rows, after %2 · %3 batches, %4 retries, slowest batch %5 "
                           "ms · %6")
                            .arg(formatRows(r.before, r.beforeEstimated),
                                 formatRows(r.after, r.afterEstimated))
                            .arg(r.batches)
                            .arg(r.retries)
                            .arg(l.toString(r.slowestBatchMs, 'f', 1), seconds(r.durationSeconds));
    m_status->setText(text);
    emit actionFinished(r);
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
