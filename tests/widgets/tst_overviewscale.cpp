// Issue 21, "Scale with the number of profiles": an operator with many
// projects × regions has hundreds of profiles. The Overview groups them by
// cloud and region under headers with the group's worst verdict, narrows
// them with a filter, and creates a tile only when its group is shown
// expanded; a probe's start or result refreshes that profile's tile only.
#include "overviewmodel.h"
#include "overviewpage.h"
#include "profileselection.h"
#include "profiletile.h"

#include <QDir>
#include <QEvent>
#include <QLabel>
#include <QLineEdit>
#include <QTest>
#include <QToolButton>

using namespace turnstile;

namespace {

const QStringList kRegions{QStringLiteral("RegionOne"), QStringLiteral("RegionTwo"),
                           QStringLiteral("RegionThree"), QStringLiteral("RegionFour")};

// `n` profiles over four clouds (Keystone hosts) × four regions, 16 per
// project: "c2-regionthree-project7".
QList<Profile> syntheticProfiles(int n)
{
    QList<Profile> out;
    for (int i = 0; i < n; ++i) {
        Profile p;
        const int cloud = i % 4;
        p.regionName = kRegions.at((i / 4) % 4);
        p.name =
            QStringLiteral("c%1-%2-project%3").arg(cloud).arg(p.regionName.toLower()).arg(i / 16);
        p.authUrl = QUrl(QStringLiteral("https://keystone-%1.example.com:5000/v3").arg(cloud));
        out.append(p);
    }
    return out;
}

ProbeResult resultAt(const QString &profile, int level)
{
    ProbeResult r;
    r.profile = profile;
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.reachable = true;
    r.keystoneVersion = QStringLiteral("v3.14");
    r.issueMs = 120;
    r.validateMs = 40;
    if (level == 3)
        r.endpointError = QStringLiteral("Connection refused by keystone-0.example.com:5000.");
    else if (level == 2)
        r.thresholdLevel = 2;
    return r;
}

QString titleOf(ProfileTile *t)
{
    return t->findChild<QLabel *>(QStringLiteral("title"))->text();
}

// Counts the style changes a widget goes through: ProfileTile::refresh()
// re-applies its style sheet, so each refresh is one.
class StyleChanges : public QObject
{
public:
    QHash<QObject *, int> counts;
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::StyleChange)
            ++counts[watched];
        return false;
    }
};

} // namespace

class TestOverviewScale : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void fiveHundredProfiles()
    {
        OverviewModel model;
        OverviewPage page(&model);
        page.resize(1000, 700);
        page.show();
        const QList<Profile> profiles = syntheticProfiles(500);
        page.selectionChanged(ProfileSelection{profiles, {}});
        QCOMPARE(model.rowCount(), 500);

        // Four clouds × four regions, each under a header, all collapsed:
        // no tile is created for a profile nobody looks at.
        QList<QToolButton *> headers = page.groupHeaders();
        QCOMPARE(headers.size(), 16);
        QCOMPARE(page.tiles().size(), 0);
        for (QToolButton *h : std::as_const(headers)) {
            QVERIFY(h->isVisible());
            QCOMPARE(h->property("expanded").toBool(), false);
            QCOMPARE(h->property("status").value<OverviewModel::Status>(),
                     OverviewModel::Status::Unknown);
        }
        QVERIFY2(headers.first()->text().startsWith(
                     QStringLiteral("keystone-0.example.com:5000 · RegionFour — Unknown: ")),
                 qPrintable(headers.first()->text()));

        // Everything fine but one red profile in cloud 1's RegionTwo and one
        // amber one in cloud 2's RegionThree.
        const QString red = QStringLiteral("c1-regiontwo-project5");
        const QString amber = QStringLiteral("c2-regionthree-project20");
        for (const Profile &p : profiles)
            model.setResult(resultAt(p.name, p.name == red ? 3 : p.name == amber ? 2 : 1));
        QCOMPARE(page.tiles().size(), 0);
        headers = page.groupHeaders();
        QCOMPARE(headers.size(), 16);
        // The worst group first, then the amber one, then the rest by name.
        QCOMPARE(headers.at(0)->property("status").value<OverviewModel::Status>(),
                 OverviewModel::Status::Critical);
        QVERIFY2(headers.at(0)->text().startsWith(
                     QStringLiteral("keystone-1.example.com:5000 · RegionTwo — Critical: "
                                    "1 critical · ")),
                 qPrintable(headers.at(0)->text()));
        QCOMPARE(headers.at(1)->property("status").value<OverviewModel::Status>(),
                 OverviewModel::Status::Warning);
        QVERIFY2(headers.at(1)->text().contains(QStringLiteral("RegionThree — Warning: 1 warning")),
                 qPrintable(headers.at(1)->text()));
        for (int i = 2; i < headers.size(); ++i)
            QCOMPARE(headers.at(i)->property("status").value<OverviewModel::Status>(),
                     OverviewModel::Status::Ok);
        QCOMPARE(page.summaryText(), QStringLiteral("1 critical · 1 warning · 498 OK"));

        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            QTest::qWait(100);
            page.grab().save(QDir(QString::fromLocal8Bit(dir))
                                 .filePath(QStringLiteral("overviewgroups-collapsed.png")));
        }

        // Opening the red group creates its tiles, the red one first.
        QTest::mouseClick(headers.at(0), Qt::LeftButton);
        const int groupSize = 500 / 16 + 1; // 31 or 32
        QVERIFY2(page.tiles().size() >= groupSize - 1 && page.tiles().size() <= groupSize,
                 qPrintable(QString::number(page.tiles().size())));
        QCOMPARE(page.tilesInOrder().size(), page.tiles().size());
        QCOMPARE(titleOf(page.tilesInOrder().first()), red);
        QCOMPARE(page.tilesInOrder().first()->statusName(), QStringLiteral("Critical"));
        for (ProfileTile *t : page.tilesInOrder()) {
            QVERIFY(t->isVisible());
            QVERIFY(titleOf(t).startsWith(QStringLiteral("c1-regiontwo-")));
        }
        QCOMPARE(page.groupHeaders().first()->property("expanded").toBool(), true);
        // A picture for looking at the headers without a display.
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            QTest::qWait(100);
            page.grab().save(
                QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("overviewgroups.png")));
        }
        // Closed again: its tiles go out of sight.
        QTest::mouseClick(page.groupHeaders().first(), Qt::LeftButton);
        QCOMPARE(page.tilesInOrder().size(), 0);
        const qsizetype created = page.tiles().size();

        // The filter: every word must be in the name, the cloud, the region
        // or the state. Few enough matches are shown expanded.
        QLineEdit *filter = page.filterEdit();
        QVERIFY(filter->isVisible());
        filter->setText(QStringLiteral("project7"));
        // One project7 profile in every group; the red group stays closed:
        // the user closed it.
        QCOMPARE(page.tilesInOrder().size(), 15);
        for (ProfileTile *t : page.tilesInOrder()) {
            QVERIFY(t->isVisible());
            QVERIFY2(titleOf(t).endsWith(QStringLiteral("-project7")), qPrintable(titleOf(t)));
        }
        QCOMPARE(page.groupHeaders().size(), 16);
        QCOMPARE(page.tiles().size(), created + 15);
        filter->setText(QStringLiteral("project7 REGIONTWO"));
        QCOMPARE(page.tilesInOrder().size(), 3); // clouds 0, 2, 3; cloud 1's group is closed
        QCOMPARE(page.groupHeaders().size(), 4);
        filter->setText(QStringLiteral("keystone-2 warning"));
        QCOMPARE(page.groupHeaders().size(), 1);
        QCOMPARE(page.tilesInOrder().size(), 1);
        QCOMPARE(titleOf(page.tilesInOrder().first()), amber);
        QVERIFY2(page.groupHeaders().first()->text().endsWith(QStringLiteral("(1 shown)")),
                 qPrintable(page.groupHeaders().first()->text()));
        filter->setText(QStringLiteral("no-such-profile"));
        QCOMPARE(page.tilesInOrder().size(), 0);
        QCOMPARE(page.groupHeaders().size(), 0);
        auto *noMatch = page.findChild<QLabel *>(QStringLiteral("noMatch"));
        QVERIFY(noMatch && noMatch->isVisible());
        filter->clear();
        QCOMPARE(page.groupHeaders().size(), 16);
        QCOMPARE(page.tilesInOrder().size(), 0);
        QVERIFY(!noMatch->isVisible());
        QVERIFY(page.tiles().size() < 500);

        // The window's chooser on one profile: one tile, no header left over.
        page.selectionChanged(ProfileSelection{profiles, red});
        QCOMPARE(page.tiles().size(), 1);
        QCOMPARE(page.tilesInOrder().size(), 1);
        QCOMPARE(page.groupHeaders().size(), 0);
        for (QToolButton *h : page.findChildren<QToolButton *>(QStringLiteral("groupHeader")))
            QVERIFY(!h->isVisible());
        QVERIFY(!filter->isVisible());
    }

    // A probe's start or result refreshes its own tile, not every tile: the
    // old page refreshed all N tiles (each re-applying its style sheet) for
    // each of the N probes a refresh starts — 40,000 refreshes before the
    // first paint with 200 profiles, 8–12 s.
    void aResultRefreshesOnlyItsTile()
    {
        OverviewModel model;
        OverviewPage page(&model);
        page.show();
        QStringList names;
        for (int i = 0; i < 20; ++i)
            names.append(QStringLiteral("profile%1").arg(i, 2, 10, QLatin1Char('0')));
        model.setProfiles(names);
        QCOMPARE(page.tiles().size(), 20); // one group of a few: all shown
        QCOMPARE(page.groupHeaders().size(), 0);
        StyleChanges changes;
        for (ProfileTile *t : page.tiles())
            t->installEventFilter(&changes);
        model.setBusy(QStringLiteral("profile07"), true);
        model.setResult(resultAt(QStringLiteral("profile07"), 1));
        for (ProfileTile *t : page.tiles())
            QCOMPARE(changes.counts.value(t) > 0, titleOf(t) == u"profile07");
    }
};

QTEST_MAIN(TestOverviewScale)
#include "tst_overviewscale.moc"
