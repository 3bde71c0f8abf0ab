// The Export menu the chart views share: one entry per format asked for, in
// that order, each handing the file dialog's filter and the suffix on.
#include "exportmenu.h"

#include <QAction>
#include <QTest>

using namespace turnstile;

class TestExportMenu : public QObject
{
    Q_OBJECT
private slots:
    void entriesInOrderAndWhatTheyChoose()
    {
        using F = ChartExporter::Format;
        QStringList chosen;
        ExportMenu menu(
            {F::Png, F::Pdf, F::Json},
            [&](const QString &filter, const QString &suffix) { chosen << filter + u'|' + suffix; },
            nullptr);
        const QList<QAction *> actions = menu.actions();
        QCOMPARE(actions.size(), 3);
        QCOMPARE(actions.at(0)->text(), QStringLiteral("PNG image…"));
        QCOMPARE(actions.at(1)->text(), QStringLiteral("PDF document…"));
        QCOMPARE(actions.at(2)->text(), QStringLiteral("JSON data…"));
        actions.at(1)->trigger();
        actions.at(2)->trigger();
        QCOMPARE(chosen, (QStringList{QStringLiteral("PDF document (*.pdf)|pdf"),
                                      QStringLiteral("JSON data (*.json)|json")}));
        // Each suffix is one ChartExporter writes.
        for (const QString &c : std::as_const(chosen))
            QVERIFY(ChartExporter::formatOf(QStringLiteral("x.") + c.section(u'|', 1)));
    }
};

QTEST_MAIN(TestExportMenu)
#include "tst_exportmenu.moc"
