#include "pagetable.h"

#include "actionspage.h"
#include "auditpage.h"
#include "compliancepage.h"
#include "databasepage.h"
#include "eventspage.h"
#include "growthpage.h"
#include "keyspage.h"
#include "latencypage.h"
#include "overviewpage.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
// Both halves from one pointer: a type that is not a ProfilePage does not
// compile into the table.
template <class Page> CreatedPage created(Page *page)
{
    return {page, page};
}
} // namespace

QString PageEntry::title() const
{
    return QCoreApplication::translate("MainWindow", titleSource);
}

const QList<PageEntry> &pageTable()
{
    static const QList<PageEntry> table{
        {"overview", QT_TRANSLATE_NOOP("MainWindow", "Overview"),
         [](const PageContext &c, QWidget *parent) {
             return created(new OverviewPage(c.overviewModel, parent));
         }},
        {"growth", QT_TRANSLATE_NOOP("MainWindow", "Growth"),
         [](const PageContext &, QWidget *parent) { return created(new GrowthPage(parent)); }},
        {"latency", QT_TRANSLATE_NOOP("MainWindow", "Latency"),
         [](const PageContext &, QWidget *parent) { return created(new LatencyPage(parent)); }},
        {"database", QT_TRANSLATE_NOOP("MainWindow", "Database"),
         [](const PageContext &c, QWidget *parent) {
             return created(new DatabasePage(c.secrets, parent));
         }},
        {"actions", QT_TRANSLATE_NOOP("MainWindow", "Actions"),
         [](const PageContext &c, QWidget *parent) {
             return created(new ActionsPage(c.secrets, parent));
         }},
        {"compliance", QT_TRANSLATE_NOOP("MainWindow", "Compliance"),
         [](const PageContext &c, QWidget *parent) {
             return created(new CompliancePage(c.secrets, parent));
         }},
        {"keys", QT_TRANSLATE_NOOP("MainWindow", "Keys"),
         [](const PageContext &, QWidget *parent) { return created(new KeysPage(parent)); }},
        {"audit", QT_TRANSLATE_NOOP("MainWindow", "Audit log"),
         [](const PageContext &, QWidget *parent) { return created(new AuditPage(parent)); }},
        // Last, so Ctrl+1…8 keep their pages; it is Ctrl+9.
        {"events", QT_TRANSLATE_NOOP("MainWindow", "Events"),
         [](const PageContext &, QWidget *parent) { return created(new EventsPage(parent)); }},
    };
    return table;
}

QStringList pageIds()
{
    QStringList ids;
    for (const PageEntry &e : pageTable())
        ids.append(QString::fromLatin1(e.id));
    return ids;
}

QString pageIdChoice()
{
    QStringList ids = pageIds();
    const QString last = ids.takeLast();
    //: The last two of a list of choices: "overview, growth, latency or audit".
    return QCoreApplication::translate("MainWindow", "%1 or %2")
        .arg(ids.join(QStringLiteral(", ")), last);
}

} // namespace turnstile
