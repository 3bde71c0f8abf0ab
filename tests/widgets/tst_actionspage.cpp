// Issue 17: the trust flush and the password history prune on the Actions
// page, through the one guarded dialog every action uses, and the Overview's
// fix links that lead to them. No database is needed: the dialog opens and
// starts its preview whatever the server answers.
#include "actionspage.h"
#include "databasepage.h"
#include "guarded/passwordhistoryprune.h"
#include "guarded/tablerebuild.h"
#include "guarded/tokenpurge.h"
#include "guarded/trustflush.h"
#include "guardedactiondialog.h"
#include "health/fixtarget.h"
#include "isolatedenvironment.h"
#include "mainwindow.h"
#include "overviewpage.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "tablesizesmodel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTest>

using namespace turnstile;

namespace {
Profile profile(const QString &name)
{
    Profile p;
    p.name = name;
    p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
    // Nothing listens there: the preview fails, the dialog still opens.
    p.databaseUrl = QStringLiteral("mysql+pymysql://keystone@127.0.0.1:1/keystone");
    p.timeoutMs = 2000;
    return p;
}
} // namespace

class TestActionsPage : public QObject
{
    Q_OBJECT
    testsupport::IsolatedEnvironment m_env;

private slots:
    void initTestCase()
    {
        QVERIFY(m_env.isValid());
        m_env.withoutKeychain();
        m_env.set(QStringLiteral("TURNSTILE_NO_HISTORY"), QStringLiteral("1"));
    }

    // Each button opens the guarded dialog with its action, for the profile
    // selected, the trust filters as typed.
    void buttonsOpenThePreviewForTheProfile()
    {
        SecretStore secrets;
        ActionsPage page(&secrets);
        page.setProfile(profile(QStringLiteral("alpha")));
        QVERIFY(page.trustFlushButton()->isEnabled());
        QVERIFY(page.passwordPruneButton()->isEnabled());

        page.trustProjectEdit()->setText(QStringLiteral("  p1 "));
        page.trustorEdit()->setText(QStringLiteral("u-tor"));
        page.trustDateEdit()->setText(QStringLiteral("01-02-2026"));
        QSignalSpy opened(&page, &ActionsPage::dialogOpened);
        page.trustFlushButton()->click();
        QTRY_COMPARE(opened.count(), 1);
        QVERIFY(page.currentDialog());
        auto trust = std::dynamic_pointer_cast<TrustFlush>(page.currentAction());
        QVERIFY(trust);
        QCOMPARE(trust->kind(), QStringLiteral("flush.trusts"));
        QCOMPARE(page.profile().name, QStringLiteral("alpha"));
        QCOMPARE(trust->filters().projectId, QStringLiteral("p1"));
        QCOMPARE(trust->filters().trustorUserId, QStringLiteral("u-tor"));
        QVERIFY(trust->filters().trusteeUserId.isEmpty());
        QCOMPARE(trust->filters().date, std::optional<QDate>(QDate(2026, 2, 1)));
        // One action at a time: the buttons wait for the dialog.
        QVERIFY(!page.passwordPruneButton()->isEnabled());
        page.currentDialog()->close();
        QTRY_VERIFY(!page.currentDialog());
        QVERIFY(!page.currentAction());

        page.passwordPruneButton()->click();
        QTRY_COMPARE(opened.count(), 2);
        auto prune = std::dynamic_pointer_cast<PasswordHistoryPrune>(page.currentAction());
        QVERIFY(prune);
        QCOMPARE(prune->kind(), QStringLiteral("prune.password_history"));
        QVERIFY(page.currentDialog()->windowTitle().contains(QStringLiteral("alpha")));
        page.currentDialog()->close();
        QTRY_VERIFY(!page.currentDialog());
    }

    // Issue 17: the purge's method selector (Automatic by default) and
    // batches sized by time unless the operator sets a bound; before, the
    // page always built a chunked purge capped at a 1,000-row box.
    void purgeMethodAndBatchBound()
    {
        SecretStore secrets;
        ActionsPage page(&secrets);
        page.setProfile(profile(QStringLiteral("alpha")));
        QCOMPARE(page.purgeMethodChooser()->count(), 3);
        QCOMPARE(page.purgeMethodChooser()->currentText(),
                 QStringLiteral("Automatic (recommended)"));
        QCOMPARE(page.purgeMethodChooser()->itemText(1), QStringLiteral("Chunked delete"));
        QCOMPARE(page.purgeMethodChooser()->itemText(2), QStringLiteral("Copy and swap"));
        QCOMPARE(page.batchSpin()->value(), 0);
        QCOMPARE(page.batchSpin()->text(), QStringLiteral("sized by time"));

        QSignalSpy opened(&page, &ActionsPage::dialogOpened);
        page.purgeButton()->click();
        QTRY_COMPARE(opened.count(), 1);
        auto purge = std::dynamic_pointer_cast<TokenPurge>(page.currentAction());
        QVERIFY(purge);
        QCOMPARE(purge->method(), TokenPurge::Method::Auto);
        QCOMPARE(purge->throttle().maxBatch, ThrottleSettings{}.maxBatch);
        QCOMPARE(purge->throttle().minBatch, ThrottleSettings{}.minBatch);
        page.currentDialog()->close();
        QTRY_VERIFY(!page.currentDialog());

        // A bound still can be set, and the other methods chosen.
        page.batchSpin()->setValue(30);
        for (const auto &[index, method] :
             {std::pair{1, TokenPurge::Method::Chunked}, std::pair{2, TokenPurge::Method::Swap}}) {
            page.purgeMethodChooser()->setCurrentIndex(index);
            page.purgeButton()->click();
            QTRY_COMPARE(opened.count(), index + 1);
            purge = std::dynamic_pointer_cast<TokenPurge>(page.currentAction());
            QVERIFY(purge);
            QCOMPARE(purge->method(), method);
            QCOMPARE(purge->throttle().maxBatch, 30);
            QCOMPARE(purge->throttle().minBatch, 30);
            page.currentDialog()->close();
            QTRY_VERIFY(!page.currentDialog());
        }
    }

    // Rebuild table: the chosen table from the list, VACUUM FULL only when ticked.
    void rebuildOpensItsPreview()
    {
        SecretStore secrets;
        ActionsPage page(&secrets);
        page.setProfile(profile(QStringLiteral("alpha")));
        QVERIFY(page.rebuildButton()->isEnabled());
        page.rebuildTableChooser()->setCurrentText(QStringLiteral("revocation_event"));
        page.vacuumFullCheck()->setChecked(true);
        QSignalSpy opened(&page, &ActionsPage::dialogOpened);
        page.rebuildButton()->click();
        QTRY_COMPARE(opened.count(), 1);
        auto rebuild = std::dynamic_pointer_cast<TableRebuild>(page.currentAction());
        QVERIFY(rebuild);
        QCOMPARE(rebuild->kind(), QStringLiteral("rebuild.table"));
        QCOMPARE(rebuild->table(), KeystoneTable::RevocationEvent);
        QVERIFY(rebuild->full());
        page.currentDialog()->close();
        QTRY_VERIFY(!page.currentDialog());
    }

    // The Database page offers the rebuild on Keystone's own tables (not on
    // another application's, not on a table the action does not know); the
    // window opens its preview on the Actions page.
    void databasePageLeadsToTheRebuild()
    {
        ProfileStore profiles(m_env.profilesFile());
        QVERIFY(profiles.save(profile(QStringLiteral("alpha"))));
        SecretStore secrets;
        MainWindow w(&profiles, &secrets);
        w.show();
        // One profile chosen: both pages show it.
        const int alpha = w.profileChooser()->findData(QStringLiteral("alpha"));
        QVERIFY(alpha >= 0);
        w.profileChooser()->setCurrentIndex(alpha);
        QCOMPARE(w.actionsPage()->profile().name, QStringLiteral("alpha"));
        DatabasePage *page = w.databasePage();
        ServerSizes sizes;
        const auto table = [](const QString &schema, const QString &name) {
            TableSize t;
            t.schema = schema;
            t.name = name;
            t.dataBytes = 1 << 20;
            t.freeBytes = 4 << 20;
            return t;
        };
        SchemaSize keystone;
        keystone.name = QStringLiteral("keystone");
        keystone.current = true;
        keystone.tables = {table(keystone.name, QStringLiteral("trust")),
                           table(keystone.name, QStringLiteral("region"))};
        SchemaSize nova;
        nova.name = QStringLiteral("nova");
        nova.tables = {table(nova.name, QStringLiteral("trust"))};
        sizes.schemas = Metric<QList<SchemaSize>>::of({keystone, nova});
        sizes.otherDatabases = Metric<QList<DatabaseSize>>::of({});
        page->model()->setSizes(sizes);
        const auto select = [page](int sourceRow) {
            page->view()->setCurrentIndex(
                page->proxy()->mapFromSource(page->model()->index(sourceRow, 1)));
            return page->rebuildAction()->isEnabled();
        };
        QVERIFY(!select(1)); // keystone.region: no rebuild for it
        QVERIFY(!select(3)); // nova.trust: another application's table
        QVERIFY(select(0));  // keystone.trust
        QSignalSpy opened(w.actionsPage(), &ActionsPage::dialogOpened);
        page->rebuildAction()->trigger();
        QTRY_COMPARE(opened.count(), 1);
        QCOMPARE(w.currentPageName(), QStringLiteral("actions"));
        auto rebuild = std::dynamic_pointer_cast<TableRebuild>(w.actionsPage()->currentAction());
        QVERIFY(rebuild);
        QCOMPARE(rebuild->table(), KeystoneTable::Trust);
        w.actionsPage()->currentDialog()->close();
        QTRY_VERIFY(!w.actionsPage()->currentDialog());
    }

    // A date keystone-manage would not take is said, and nothing runs.
    void badTrustDateDisablesTheFlush()
    {
        SecretStore secrets;
        ActionsPage page(&secrets);
        page.setProfile(profile(QStringLiteral("alpha")));
        page.trustDateEdit()->setText(QStringLiteral("yesterday"));
        QVERIFY(!page.trustFlushButton()->isEnabled());
        QVERIFY(page.passwordPruneButton()->isEnabled());
        page.trustDateEdit()->setText(QStringLiteral("2026-02-01"));
        QVERIFY(page.trustFlushButton()->isEnabled());
        // Read-only: neither is offered.
        Profile ro = profile(QStringLiteral("alpha"));
        ro.readOnly = true;
        page.setProfile(ro);
        QVERIFY(!page.trustFlushButton()->isEnabled());
        QVERIFY(!page.passwordPruneButton()->isEnabled());
    }

    void fixTargetsMap()
    {
        using K = FixTarget::Kind;
        const auto kinds = [](const QStringList &metrics) {
            QList<K> out;
            for (const FixTarget &t : fixTargetsFor(metrics))
                out.append(t.kind);
            return out;
        };
        QCOMPARE(kinds({QStringLiteral("trust.expired")}), QList<K>{K::TrustFlush});
        QCOMPARE(kinds({QStringLiteral("trust.deleted")}), QList<K>{K::TrustFlush});
        // Both trust findings are one flush.
        QCOMPARE(kinds({QStringLiteral("trust.expired"), QStringLiteral("trust.deleted"),
                        QStringLiteral("password.max_per_user")}),
                 (QList<K>{K::TrustFlush, K::PasswordHistoryPrune}));
        // Live trusts and expired application credentials: nothing fixes them.
        QVERIFY(kinds({QStringLiteral("trust.live"), QStringLiteral("password.rows"),
                       QStringLiteral("application_credential.expired")})
                    .isEmpty());
    }

    // The window follows the new links to the Actions page and opens the
    // action's preview there, for the profile of the tile.
    void windowOpensTheirPreviews()
    {
        ProfileStore profiles(m_env.profilesFile());
        QVERIFY(profiles.save(profile(QStringLiteral("alpha"))));
        Profile beta = profile(QStringLiteral("beta"));
        QVERIFY(profiles.save(beta));
        SecretStore secrets;
        MainWindow w(&profiles, &secrets);
        w.show();
        QSignalSpy opened(w.actionsPage(), &ActionsPage::dialogOpened);
        const auto follow = [&](FixTarget::Kind kind) -> QString {
            w.showPage(QStringLiteral("overview"));
            emit w.overviewPage()->fixRequested(QStringLiteral("beta"), FixTarget{kind, {}, {}});
            if (!QTest::qWaitFor([&] { return w.actionsPage()->currentAction() != nullptr; }))
                return QStringLiteral("no dialog");
            const QString k =
                w.actionsPage()->currentAction()->kind() + u'@' + w.actionsPage()->profile().name;
            w.actionsPage()->currentDialog()->close();
            if (!QTest::qWaitFor([&] { return !w.actionsPage()->currentDialog(); }))
                return QStringLiteral("dialog stays");
            return w.currentPageName() + u' ' + k;
        };
        QCOMPARE(follow(FixTarget::Kind::TrustFlush), QStringLiteral("actions flush.trusts@beta"));
        QCOMPARE(follow(FixTarget::Kind::PasswordHistoryPrune),
                 QStringLiteral("actions prune.password_history@beta"));
        QCOMPARE(opened.count(), 2);
    }
};

QTEST_MAIN(TestActionsPage)
#include "tst_actionspage.moc"
