// The compliance lists and the guarded unlock against the lab's real Keystone
// (lockout after 3 failures for 1800 s, inactivity after 90 days) and its
// MariaDB. Every user is a throw-away one with a unique name, deleted again
// at the end; the lab admin only ever logs in with the right password.
#include "compliance/compliancedirectory.h"
#include "compliance/complianceinspector.h"
#include "compliance/compliancerun.h"
#include "compliance/compliancesummary.h"
#include "compliance/userunlock.h"
#include "db/dbconnection.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "health/thresholds.h"
#include "isolatedenvironment.h"
#include "keystone/identityapi.h"
#include "keystone/keystoneclient.h"
#include "overviewmodel.h"
#include "probe/compliancealert.h"
#include "probe/prober.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

#include <memory>
#include <unistd.h>

using namespace turnstile;
using testsupport::lab;
using testsupport::labMysqlRootUrl;

class TestLabCompliance : public QObject
{
    Q_OBJECT

    // Profiles, audit log, pending journals and settings of its own, here
    // and in the turnstilectl it runs.
    testsupport::IsolatedEnvironment m_dir;
    QString m_tag; // unique per run: names of users, groups, roles, projects
    QString m_password;
    std::unique_ptr<KeystoneClient> m_admin;
    std::unique_ptr<DbConnection> m_db; // the keystone DB user: edits rows like a DBA would
    QStringList m_users;                // ids to delete at the end
    QString m_groupId, m_roleId, m_projectId, m_memberRoleId, m_adminProjectId;
    QString m_scratchDb;
    QHash<QString, QString> m_ids; // name -> id

    QString name(const char *what) const { return QLatin1String(what) + u'-' + m_tag; }
    QString auditPath() const { return m_dir.auditLogFile(); }

    Profile profile() const
    {
        Profile p = testsupport::labAdminProfile(true);
        p.name = QStringLiteral("compliance-") + m_tag;
        p.keystoneConfPath = lab(QStringLiteral("TURNSTILE_LAB_KEYSTONE_CONF"));
        return p;
    }
    ComplianceRunOptions options(int within = 7) const
    {
        ComplianceRunOptions o;
        o.withinDays = within;
        o.serviceRole = name("svc-role");
        o.serviceProject = name("svc-project");
        return o;
    }

    static QJsonObject json(const HttpResult &h)
    {
        return QJsonDocument::fromJson(h.body).object();
    }
    static QByteArray body(const QJsonObject &o)
    {
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }

    QString createUser(const QString &userName, const QJsonObject &extra = {})
    {
        QJsonObject user{{QStringLiteral("name"), userName},
                         {QStringLiteral("domain_id"), QStringLiteral("default")},
                         {QStringLiteral("password"), m_password}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            user.insert(it.key(), it.value());
        const HttpResult h =
            m_admin->post(QStringLiteral("/users"), body({{QStringLiteral("user"), user}}));
        if (h.status != 201) {
            qWarning("create user %s: %s", qPrintable(userName), qPrintable(h.error));
            return {};
        }
        const QString id = json(h).value(u"user").toObject().value(u"id").toString();
        m_users.append(id);
        m_ids.insert(userName, id);
        return id;
    }

    // The status of a password login (unscoped): 201, or 401 for a wrong
    // password, a locked, disabled or expired account alike.
    int login(const QString &userName, const QString &password) const
    {
        Profile p;
        p.name = QStringLiteral("login");
        p.authUrl = QUrl(lab(QStringLiteral("TURNSTILE_LAB_KS_URL")));
        p.username = userName;
        p.userDomainName = QStringLiteral("Default");
        p.timeoutMs = 20000;
        Secrets s;
        s.password = password;
        KeystoneClient c(p, s);
        return c.issueToken().http.status;
    }

    bool lockOut(const QString &userName)
    {
        for (int i = 0; i < 3; ++i) {
            if (login(userName, QStringLiteral("wrong-password")) != 401)
                return false;
        }
        return true;
    }

    bool exec(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery q(m_db->database());
        q.prepare(sql);
        for (const QVariant &b : binds)
            q.addBindValue(b);
        if (!q.exec()) {
            qWarning("%s -> %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return false;
        }
        return true;
    }
    QVariantList row(const QString &sql, const QVariantList &binds = {})
    {
        QSqlQuery q(m_db->database());
        q.prepare(sql);
        for (const QVariant &b : binds)
            q.addBindValue(b);
        QVariantList out;
        if (q.exec() && q.next()) {
            for (int i = 0; i < q.record().count(); ++i)
                out.append(q.value(i));
        }
        return out;
    }
    // failed_auth_count and failed_auth_at (as epoch seconds) of a user.
    QPair<int, qint64> failures(const QString &userId)
    {
        const QVariantList r = row(QStringLiteral("SELECT COALESCE(failed_auth_count, 0), "
                                                  "UNIX_TIMESTAMP(failed_auth_at) FROM local_user "
                                                  "WHERE user_id = ?"),
                                   {userId});
        return {r.value(0).toInt(), r.value(1).isNull() ? -1 : r.value(1).toLongLong()};
    }

    static const ComplianceEntry *find(const Metric<QList<ComplianceEntry>> &list,
                                       const QString &userName)
    {
        if (!list.value)
            return nullptr;
        for (const ComplianceEntry &e : *list.value) {
            if (e.user.name == userName)
                return &e;
        }
        return nullptr;
    }

    QProcessEnvironment ctlEnv() const
    {
        QProcessEnvironment e = m_dir.environment();
        e.insert(QStringLiteral("OS_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD")));
        e.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        e.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                 lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
        return e;
    }
    int ctl(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr) const
    {
        QProcess p;
        p.setProcessEnvironment(ctlEnv());
        p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
        if (!p.waitForFinished(120000))
            return -1;
        const QByteArray o = p.readAllStandardOutput();
        const QByteArray e = p.readAllStandardError();
        if (out)
            *out = o;
        if (err)
            *err = e;
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    QList<QJsonObject> auditRecords() const
    {
        // One entry per run: a "started" line answered by its "finished" line is one.
        return AuditLog::runs(AuditLog(auditPath()).read().value_or(QList<QJsonObject>()));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
        QVERIFY(m_dir.isValid());
        m_tag = QStringLiteral("%1-%2")
                    .arg(QCoreApplication::applicationPid())
                    .arg(QRandomGenerator::global()->bounded(100000));
        m_password =
            QStringLiteral("Pw-") + QString::number(QRandomGenerator::system()->generate64(), 36);
        m_admin = std::make_unique<KeystoneClient>(testsupport::labAdminProfile(),
                                                   testsupport::labAdminSecrets());
        const TokenInfo t = m_admin->issueToken();
        QVERIFY2(t.ok(), qPrintable(t.error));
        m_adminProjectId = t.projectId;

        const Profile p = profile();
        m_db = std::make_unique<DbConnection>(DatabaseUrl::parse(p.databaseUrl),
                                              testsupport::labAdminSecrets().databasePassword);
        QVERIFY2(m_db->open(), qPrintable(m_db->error()));

        ProfileStore store(m_dir.profilesFile());
        QVERIFY(store.save(p));

        // The service markers of this run, so nothing the lab already has is touched.
        HttpResult h =
            m_admin->post(QStringLiteral("/roles"),
                          body({{QStringLiteral("role"),
                                 QJsonObject{{QStringLiteral("name"), name("svc-role")}}}}));
        QCOMPARE(h.status, 201);
        m_roleId = json(h).value(u"role").toObject().value(u"id").toString();
        h = m_admin->post(
            QStringLiteral("/projects"),
            body({{QStringLiteral("project"),
                   QJsonObject{{QStringLiteral("name"), name("svc-project")},
                               {QStringLiteral("domain_id"), QStringLiteral("default")}}}}));
        QCOMPARE(h.status, 201);
        m_projectId = json(h).value(u"project").toObject().value(u"id").toString();
        h = m_admin->post(
            QStringLiteral("/groups"),
            body({{QStringLiteral("group"),
                   QJsonObject{{QStringLiteral("name"), name("svc-group")},
                               {QStringLiteral("domain_id"), QStringLiteral("default")}}}}));
        QCOMPARE(h.status, 201);
        m_groupId = json(h).value(u"group").toObject().value(u"id").toString();
        const ListResult roles =
            listAll(*m_admin, QStringLiteral("/roles?name=member"), QStringLiteral("roles"));
        QVERIFY(roles.ok() && roles.items.size() == 1);
        m_memberRoleId = roles.items.at(0).toObject().value(u"id").toString();
        QCOMPARE(m_admin
                     ->put(QStringLiteral("/projects/%1/groups/%2/roles/%3")
                               .arg(m_projectId, m_groupId, m_memberRoleId))
                     .status,
                 204);
    }

    void cleanupTestCase()
    {
        if (!m_admin)
            return;
        for (const QString &id : std::as_const(m_users))
            m_admin->remove(QStringLiteral("/users/") + id);
        if (!m_groupId.isEmpty())
            m_admin->remove(QStringLiteral("/groups/") + m_groupId);
        if (!m_projectId.isEmpty()) {
            m_admin->patch(QStringLiteral("/projects/") + m_projectId,
                           body({{QStringLiteral("project"),
                                  QJsonObject{{QStringLiteral("enabled"), false}}}}));
            m_admin->remove(QStringLiteral("/projects/") + m_projectId);
        }
        if (!m_roleId.isEmpty())
            m_admin->remove(QStringLiteral("/roles/") + m_roleId);
        if (!m_scratchDb.isEmpty()) {
            DbConnection root(labMysqlRootUrl(), QString());
            if (root.open())
                QSqlQuery(root.database())
                    .exec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_scratchDb));
        }
    }

    void lockoutIsListedWithItsUnlockTime()
    {
        const QString u = name("locked");
        const QString id =
            createUser(u, {{QStringLiteral("email"), QStringLiteral("locked@example.org")}});
        QVERIFY(!id.isEmpty());
        QCOMPARE(login(u, m_password), 201);

        const qint64 before = QDateTime::currentSecsSinceEpoch();
        QVERIFY(lockOut(u));
        const qint64 after = QDateTime::currentSecsSinceEpoch();
        // Locked: Keystone refuses the right password now (a plain 401).
        QCOMPARE(login(u, m_password), 401);
        const auto [count, at] = failures(id);
        QCOMPARE(count, 3);
        QVERIFY2(at >= before - 2 && at <= after + 2, qPrintable(QString::number(at - before)));
        // While locked, further failures are not counted and do not move the
        // unlock time: Keystone checks the lock before the password.
        QCOMPARE(login(u, QStringLiteral("wrong-again")), 401);
        QCOMPARE(failures(id), qMakePair(3, at));

        QString configError;
        const ComplianceReport r =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options(), &configError);
        QVERIFY2(configError.isEmpty(), qPrintable(configError));
        QCOMPARE(r.settings.lockoutFailureAttempts, std::optional<int>(3));
        QCOMPARE(r.settings.lockoutDurationSec, 1800);
        QVERIFY2(r.locked.available(), qPrintable(r.locked.error));
        const ComplianceEntry *e = find(r.locked, u);
        QVERIFY2(e, "the locked user is not on the locked list");
        QCOMPARE(e->at, QDateTime::fromSecsSinceEpoch(at + 1800, Qt::UTC));
        QCOMPARE(e->user.id, id);
        QCOMPARE(e->user.failedAuthCount, 3);
        QCOMPARE(e->user.domainName, QStringLiteral("Default"));
        QCOMPARE(e->user.email, QStringLiteral("locked@example.org"));
        QCOMPARE(e->user.serviceAccount, std::optional<bool>(false));
        QVERIFY(!find(r.failing, u));
    }

    void failuresBelowTheLimitAreListedAsFailing()
    {
        const QString u = name("failing");
        QVERIFY(!createUser(u).isEmpty());
        QCOMPARE(login(u, QStringLiteral("wrong")), 401);
        QCOMPARE(login(u, QStringLiteral("wrong")), 401);
        const ComplianceReport r =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options());
        const ComplianceEntry *e = find(r.failing, u);
        QVERIFY(e);
        QCOMPARE(e->user.failedAuthCount, 2);
        QVERIFY(!find(r.locked, u));
        // A successful login clears the record, and the list follows.
        QCOMPARE(login(u, m_password), 201);
        const ComplianceReport again =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options());
        QVERIFY(!find(again.failing, u));
    }

    void serviceAccountsAreFlagged()
    {
        // One through the service role, one through a group with a role on
        // the service project.
        const QString direct = name("svc-direct");
        const QString viaGroup = name("svc-group-member");
        QVERIFY(!createUser(direct).isEmpty());
        QVERIFY(!createUser(viaGroup).isEmpty());
        QCOMPARE(m_admin
                     ->put(QStringLiteral("/projects/%1/users/%2/roles/%3")
                               .arg(m_adminProjectId, m_ids.value(direct), m_roleId))
                     .status,
                 204);
        QCOMPARE(
            m_admin
                ->put(QStringLiteral("/groups/%1/users/%2").arg(m_groupId, m_ids.value(viaGroup)))
                .status,
            204);
        QVERIFY(lockOut(direct));
        QVERIFY(lockOut(viaGroup));
        const ComplianceReport r =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options());
        QVERIFY2(r.serviceAccountsError.isEmpty(), qPrintable(r.serviceAccountsError));
        for (const QString &u : {direct, viaGroup}) {
            const ComplianceEntry *e = find(r.locked, u);
            QVERIFY2(e, qPrintable(u));
            QCOMPARE(e->user.serviceAccount, std::optional<bool>(true));
        }
        QCOMPARE(find(r.locked, name("locked"))->user.serviceAccount, std::optional<bool>(false));

        const ComplianceSummary s = summarizeCompliance(r);
        QVERIFY(s.locked >= 3);
        int ours = 0;
        for (const ComplianceSummary::LockedServiceAccount &a : s.lockedServiceAccounts) {
            if (a.name == direct || a.name == viaGroup) {
                ++ours;
                QCOMPARE(a.domain, QStringLiteral("Default"));
                QCOMPARE(a.unlocksAt, find(r.locked, a.name)->at);
            }
        }
        QCOMPARE(ours, 2);
        QVERIFY(s.sentence().contains(direct));

        // The unlock preview warns before a service account is unlocked.
        UserUnlock unlock(profile(), testsupport::labAdminSecrets(), viaGroup);
        unlock.setServiceNames(name("svc-project"), name("svc-role"));
        const ActionPreview p = unlock.preview();
        QCOMPARE(p.parameters.value(u"service_account").toBool(), true);
        QVERIFY2(p.warnings.join(u' ').contains(QStringLiteral("is a service account")),
                 qPrintable(p.warnings.join(u'|')));
        UserUnlock plain(profile(), testsupport::labAdminSecrets(), viaGroup);
        QCOMPARE(plain.preview().parameters.value(u"service_account").toBool(true), false);
    }

    void directoryCompletesWhatTheDatabaseLacks()
    {
        // As a federated user would come out of the database: an id, nothing else.
        ComplianceUser bare;
        bare.id = m_ids.value(name("locked"));
        ComplianceUser svc;
        svc.id = m_ids.value(name("svc-direct"));
        ComplianceReport r;
        r.locked = Metric<QList<ComplianceEntry>>::of({{bare, {}, {}, -1}, {svc, {}, {}, -1}});
        r.serviceAccountsError = QStringLiteral("unavailable: no assignment table");
        QVERIFY(ComplianceDirectory::needsApi(r));

        ComplianceDirectory directory(*m_admin);
        directory.setServiceNames(name("svc-project"), name("svc-role"));
        directory.completeReport(r);
        const ComplianceUser &a = r.locked.value->at(0).user;
        QCOMPARE(a.name, name("locked"));
        QCOMPARE(a.domainId, QStringLiteral("default"));
        QCOMPARE(a.domainName, QStringLiteral("Default"));
        QCOMPARE(a.email, QStringLiteral("locked@example.org")); // extra's keys, top level
        QCOMPARE(a.serviceAccount, std::optional<bool>(false));
        QCOMPARE(r.locked.value->at(1).user.serviceAccount, std::optional<bool>(true));
        QVERIFY(r.serviceAccountsError.isEmpty());
        QVERIFY(!ComplianceDirectory::needsApi(r));

        // An id Keystone does not know is a note, not a crash.
        ComplianceUser ghost;
        ghost.id = QStringLiteral("0123456789abcdef0123456789abcdef");
        QVERIFY(directory.complete(ghost, true).contains(QStringLiteral("404")));
    }

    void unlockThroughTheGuardedWorkflow()
    {
        const QString u = name("locked");
        const QString id = m_ids.value(u);
        QCOMPARE(failures(id).first, 3);
        AuditLog audit(auditPath());
        const qsizetype linesBefore = auditRecords().size();

        UserUnlock action(profile(), testsupport::labAdminSecrets(), u);
        const ActionPreview p = action.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        QCOMPARE(p.action, QStringLiteral("users.unlock"));
        QCOMPARE(p.target.text, u);
        QVERIFY(p.target.description.contains(QStringLiteral("Default")));
        QCOMPARE(p.rowsToGo, 1);
        QCOMPARE(p.parameters.value(u"user_id").toString(), id);
        QCOMPARE(p.parameters.value(u"failed_auth_count").toInt(), 3);
        QCOMPARE(p.parameters.value(u"locked").toBool(), true);
        QCOMPARE(p.parameters.value(u"unlocks_at").toString(),
                 QDateTime::fromSecsSinceEpoch(failures(id).second + 1800, Qt::UTC)
                     .toString(Qt::ISODate));
        QVERIFY(p.consequences.join(u' ').contains(QStringLiteral("locked out after 3")));
        QVERIFY(p.warnings.isEmpty()); // the lab admin holds the admin role

        GuardedWorkflow workflow(profile(), audit);
        ActionControl control;
        const ActionResult wrong =
            workflow.run(action, p, Confirmation{name("someone-else"), -1}, control);
        QCOMPARE(wrong.outcome, ActionResult::Outcome::Refused);
        QCOMPARE(failures(id).first, 3);
        QCOMPARE(login(u, m_password), 401);
        QCOMPARE(auditRecords().size(), linesBefore); // nothing ran, nothing recorded

        const ActionResult r = workflow.run(action, p, Confirmation{u, -1}, control);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.before, 3);
        QCOMPARE(r.after, 0);
        // Keystone's enabled setter reset the counter and the last activity.
        QCOMPARE(failures(id), qMakePair(0, qint64(-1)));
        QCOMPARE(
            row(QStringLiteral("SELECT last_active_at = UTC_DATE() FROM user WHERE id = ?"), {id})
                .value(0)
                .toInt(),
            1);
        QCOMPARE(login(u, m_password), 201);

        const QList<QJsonObject> records = auditRecords();
        QCOMPARE(records.size(), linesBefore + 1);
        const QJsonObject last = records.constLast();
        QCOMPARE(last.value(u"action").toString(), QStringLiteral("users.unlock"));
        QCOMPARE(last.value(u"target").toString(), u);
        QCOMPARE(last.value(u"profile").toString(), profile().name);
        QCOMPARE(last.value(u"parameters").toObject().value(u"user_id").toString(), id);
        QCOMPARE(last.value(u"result").toObject().value(u"outcome").toString(),
                 QStringLiteral("completed"));
        QVERIFY(AuditLog(auditPath()).verify().ok);

        // Unlocked and clean: a second preview finds nothing to do.
        UserUnlock again(profile(), testsupport::labAdminSecrets(), id);
        QVERIFY(again.preview().nothingToDo());
    }

    void unlockThroughTurnstilectl()
    {
        const QString u = name("svc-direct");
        const QString id = m_ids.value(u);
        QCOMPARE(failures(id).first, 3);
        const QString prof = profile().name;
        QByteArray out, err;

        // The dry run is the default and changes nothing.
        QCOMPARE(ctl({QStringLiteral("users"), QStringLiteral("unlock"),
                      QStringLiteral("--profile"), prof, QStringLiteral("--user"), u},
                     &out, &err),
                 0);
        QVERIFY2(out.contains("Dry run") && out.contains(u.toUtf8()), out.constData());
        QCOMPARE(failures(id).first, 3);
        // --execute needs --confirm; a wrong one is refused.
        QCOMPARE(
            ctl({QStringLiteral("users"), QStringLiteral("unlock"), QStringLiteral("--profile"),
                 prof, QStringLiteral("--user"), u, QStringLiteral("--execute")}),
            2);
        QCOMPARE(
            ctl({QStringLiteral("users"), QStringLiteral("unlock"), QStringLiteral("--profile"),
                 prof, QStringLiteral("--user"), u, QStringLiteral("--execute"),
                 QStringLiteral("--confirm"), u + QStringLiteral("x")},
                &out, &err),
            5); // refused, as for every guarded action (docs/cli.md)
        QVERIFY2(err.contains("does not match"), err.constData());
        QCOMPARE(failures(id).first, 3);

        const qsizetype linesBefore = auditRecords().size();
        QCOMPARE(ctl({QStringLiteral("users"), QStringLiteral("unlock"),
                      QStringLiteral("--profile"), prof, QStringLiteral("--user"), u,
                      QStringLiteral("--execute"), QStringLiteral("--confirm"), u},
                     &out, &err),
                 0);
        QVERIFY2(out.contains("is unlocked"), out.constData());
        QCOMPARE(failures(id).first, 0);
        QCOMPARE(login(u, m_password), 201);
        const QList<QJsonObject> records = auditRecords();
        QCOMPARE(records.size(), linesBefore + 1);
        QCOMPARE(records.constLast().value(u"target").toString(), u);
        QCOMPARE(records.constLast().value(u"os_user").toString(), GuardedWorkflow::osUser());
    }

    void databaseFallbackOnlyWhenChosen()
    {
        const QString u = name("svc-group-member");
        const QString id = m_ids.value(u);
        QCOMPARE(failures(id).first, 3);
        const qsizetype linesBefore = auditRecords().size();
        QByteArray out, err;
        QCOMPARE(ctl({QStringLiteral("users"), QStringLiteral("unlock"),
                      QStringLiteral("--profile"), profile().name, QStringLiteral("--user"), id,
                      QStringLiteral("--database-fallback"), QStringLiteral("--execute"),
                      QStringLiteral("--confirm"), u, QStringLiteral("--json")},
                     &out, &err),
                 0);
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.value(u"preview").toObject().value(u"action").toString(),
                 QStringLiteral("users.unlock.database"));
        QCOMPARE(o.value(u"result").toObject().value(u"outcome").toString(),
                 QStringLiteral("completed"));
        QCOMPARE(failures(id), qMakePair(0, qint64(-1)));
        QCOMPARE(login(u, m_password), 201);
        QCOMPARE(auditRecords().size(), linesBefore + 1);
        QCOMPARE(auditRecords().constLast().value(u"action").toString(),
                 QStringLiteral("users.unlock.database"));
    }

    void apiUserWithoutAdminGetsAClearAnswer()
    {
        // A member of the admin project: a valid token, but no admin role.
        const QString operatorName = name("operator");
        const QString operatorId = createUser(operatorName);
        QVERIFY(!operatorId.isEmpty());
        QCOMPARE(m_admin
                     ->put(QStringLiteral("/projects/%1/users/%2/roles/%3")
                               .arg(m_adminProjectId, operatorId, m_memberRoleId))
                     .status,
                 204);
        const QString victim = name("victim");
        const QString victimId = createUser(victim);
        QVERIFY(lockOut(victim));

        Profile p = profile();
        p.username = operatorName;
        Secrets s = testsupport::labAdminSecrets();
        s.password = m_password;
        UserUnlock action(p, s, victim);
        const ActionPreview preview = action.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QVERIFY2(preview.warnings.join(u' ').contains(QStringLiteral("no admin role")),
                 qPrintable(preview.warnings.join(u'|')));
        AuditLog audit(auditPath());
        GuardedWorkflow workflow(p, audit);
        ActionControl control;
        ActionResult r = workflow.run(action, preview, Confirmation{victim, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Failed);
        QVERIFY2(r.message.contains(QStringLiteral("403")), qPrintable(r.message));
        QVERIFY2(r.message.contains(QStringLiteral("--database-fallback")), qPrintable(r.message));
        QCOMPARE(r.details.value(u"database_fallback_possible").toBool(), true);
        QCOMPARE(failures(victimId).first, 3);
        QCOMPARE(
            auditRecords().constLast().value(u"result").toObject().value(u"outcome").toString(),
            QStringLiteral("failed"));

        // With a read-only database user the database path is not offered.
        p.databaseUrl = QStringLiteral("mysql+pymysql://%1@%2:%3/%4")
                            .arg(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_RO_USER")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB")));
        s.databasePassword = lab(QStringLiteral("TURNSTILE_LAB_MYSQL_RO_PASSWORD"));
        UserUnlock readOnly(p, s, victim);
        const ActionPreview p2 = readOnly.preview();
        QVERIFY2(!p2.refused(), qPrintable(p2.refusal));
        QCOMPARE(p2.parameters.value(u"failed_auth_count").toInt(), 3); // SELECT is enough to look
        GuardedWorkflow workflow2(p, audit);
        r = workflow2.run(readOnly, p2, Confirmation{victim, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Failed);
        QVERIFY2(!r.message.contains(QStringLiteral("--database-fallback")), qPrintable(r.message));
        QVERIFY2(r.message.contains(QStringLiteral("not available either")), qPrintable(r.message));
        QCOMPARE(r.details.value(u"database_fallback_possible").toBool(true), false);

        // And the database path itself refuses to start without the grant.
        UserUnlock dbPath(p, s, victim, UserUnlock::Method::Database);
        const ActionPreview p3 = dbPath.preview();
        QVERIFY(p3.refused());
        QVERIFY2(p3.refusal.contains(QStringLiteral("cannot update local_user")),
                 qPrintable(p3.refusal));
        QCOMPARE(failures(victimId).first, 3);
    }

    void disabledUserIsNotEnabledByAnUnlock()
    {
        const QString u = name("disabled");
        const QString id = createUser(u);
        QVERIFY(lockOut(u));
        QCOMPARE(m_admin
                     ->patch(QStringLiteral("/users/") + id,
                             body({{QStringLiteral("user"),
                                    QJsonObject{{QStringLiteral("enabled"), false}}}}))
                     .status,
                 200);
        // Disabling keeps the failures (only enabling resets them).
        QCOMPARE(failures(id).first, 3);
        UserUnlock action(profile(), testsupport::labAdminSecrets(), u);
        const ActionPreview p = action.preview();
        QVERIFY(p.refused());
        QVERIFY2(p.refusal.contains(QStringLiteral("disabled")), qPrintable(p.refusal));
        // The database path only resets the counter and is allowed.
        UserUnlock db(profile(), testsupport::labAdminSecrets(), u, UserUnlock::Method::Database);
        QVERIFY2(!db.preview().refused(), "the database path should be open");
    }

    // An administrator disables the user between the preview and the run:
    // the unlock's PATCH (enabled = true) would enable it again. It reads the
    // user first and refuses.
    void userDisabledAfterThePreviewStaysDisabled()
    {
        const QString u = name("disabled-later");
        const QString id = createUser(u);
        QVERIFY(lockOut(u));
        UserUnlock action(profile(), testsupport::labAdminSecrets(), u);
        const ActionPreview p = action.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        QCOMPARE(m_admin
                     ->patch(QStringLiteral("/users/") + id,
                             body({{QStringLiteral("user"),
                                    QJsonObject{{QStringLiteral("enabled"), false}}}}))
                     .status,
                 200);
        AuditLog audit(auditPath());
        GuardedWorkflow workflow(profile(), audit);
        ActionControl control;
        const ActionResult r = workflow.run(action, p, Confirmation{u, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
        QVERIFY2(r.message.contains(QStringLiteral("disabled")), qPrintable(r.message));
        const HttpResult now = m_admin->get(QStringLiteral("/users/") + id);
        QCOMPARE(QJsonDocument::fromJson(now.body)
                     .object()
                     .value(u"user")
                     .toObject()
                     .value(u"enabled")
                     .toBool(true),
                 false);
        QCOMPARE(failures(id).first, 3);
    }

    void exemptUserIsNeverLocked()
    {
        const QString u = name("exempt");
        const QString id = createUser(
            u, {{QStringLiteral("options"),
                 QJsonObject{{QStringLiteral("ignore_lockout_failure_attempts"), true}}}});
        QVERIFY(!id.isEmpty());
        for (int i = 0; i < 4; ++i)
            QCOMPARE(login(u, QStringLiteral("wrong")), 401);
        QCOMPARE(failures(id).first, 4); // counted anyway
        const ComplianceReport r =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options());
        QVERIFY(!find(r.locked, u));
        QVERIFY(!find(r.failing, u));
        QCOMPARE(login(u, m_password), 201); // and Keystone agrees
    }

    void inactivityLists()
    {
        const QString soon = name("idle-soon");
        const QString gone = name("idle-gone");
        const QString exempt = name("idle-exempt");
        QVERIFY(!createUser(soon).isEmpty());
        QVERIFY(!createUser(gone).isEmpty());
        QVERIFY(
            !createUser(exempt, {{QStringLiteral("options"),
                                  QJsonObject{{QStringLiteral("ignore_user_inactivity"), true}}}})
                 .isEmpty());
        // As if they had last logged in 88 and 95 days ago (the lab disables after 90).
        QVERIFY(exec(QStringLiteral("UPDATE user SET last_active_at = UTC_DATE() - INTERVAL 88 DAY "
                                    "WHERE id = ?"),
                     {m_ids.value(soon)}));
        for (const QString &u : {gone, exempt})
            QVERIFY(exec(QStringLiteral("UPDATE user SET last_active_at = UTC_DATE() - INTERVAL "
                                        "95 DAY WHERE id = ?"),
                         {m_ids.value(u)}));
        // Keystone agrees with the lists: the inactive user cannot log in,
        // the exempt one can.
        QCOMPARE(login(gone, m_password), 401);
        QCOMPARE(login(exempt, m_password), 201);

        const ComplianceReport r =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options(7));
        QVERIFY2(r.inactiveSoon.available(), qPrintable(r.inactiveSoon.error));
        const QDate today = r.at.date();
        const ComplianceEntry *s = find(r.inactiveSoon, soon);
        QVERIFY(s);
        QCOMPARE(s->day, today.addDays(2));
        QCOMPARE(s->daysInactive, 88);
        const ComplianceEntry *g = find(r.inactiveDisabled, gone);
        QVERIFY(g);
        QCOMPARE(g->day, today.addDays(-5));
        QVERIFY(!find(r.inactiveDisabled, exempt) && !find(r.inactiveSoon, exempt));
        QVERIFY(!find(r.inactiveSoon, gone));

        const ComplianceReport narrow =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options(1));
        QVERIFY(!find(narrow.inactiveSoon, soon));
        QVERIFY(find(narrow.inactiveDisabled, gone));

        // Any update of an inactive user makes Keystone store enabled = false;
        // it stays on the list.
        QCOMPARE(
            m_admin
                ->patch(QStringLiteral("/users/") + m_ids.value(gone),
                        body({{QStringLiteral("user"), QJsonObject{{QStringLiteral("description"),
                                                                    QStringLiteral("touched")}}}}))
                .status,
            200);
        QCOMPARE(row(QStringLiteral("SELECT enabled FROM user WHERE id = ?"), {m_ids.value(gone)})
                     .value(0)
                     .toInt(),
                 0);
        const ComplianceReport after =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options(7));
        QVERIFY(find(after.inactiveDisabled, gone));
        QVERIFY(!find(after.inactiveDisabled, gone)->user.enabled);
    }

    void passwordExpiryLists()
    {
        const QString soon = name("pw-soon");
        const QString expired = name("pw-expired");
        const QString exempt = name("pw-exempt");
        QVERIFY(!createUser(soon, {{QStringLiteral("email"), QStringLiteral("soon@example.org")}})
                     .isEmpty());
        QVERIFY(!createUser(expired).isEmpty());
        QVERIFY(
            !createUser(exempt, {{QStringLiteral("options"),
                                  QJsonObject{{QStringLiteral("ignore_password_expiry"), true}}}})
                 .isEmpty());
        const QDateTime now =
            QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
        const QDateTime in3 = now.addDays(3);
        const QDateTime ago = now.addSecs(-3600);
        // Both representations, as Keystone writes them (expires_at_int wins).
        auto setExpiry = [&](const QString &user, const QDateTime &t) {
            return exec(QStringLiteral("UPDATE password p JOIN local_user lu ON lu.id = "
                                       "p.local_user_id SET p.expires_at = FROM_UNIXTIME(?), "
                                       "p.expires_at_int = ? WHERE lu.user_id = ?"),
                        {t.toSecsSinceEpoch(), t.toMSecsSinceEpoch() * 1000, m_ids.value(user)});
        };
        QVERIFY(exec(QStringLiteral("SET time_zone = '+00:00'")));
        QVERIFY(setExpiry(soon, in3));
        QVERIFY(setExpiry(expired, ago));
        QVERIFY(setExpiry(exempt, ago));
        QCOMPARE(login(expired, m_password), 401); // PasswordExpired
        QCOMPARE(login(exempt, m_password), 201);
        QCOMPARE(login(soon, m_password), 201);

        const ComplianceReport r =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options(7));
        const ComplianceEntry *s = find(r.passwordExpiring, soon);
        QVERIFY(s);
        QCOMPARE(s->at, in3);
        QCOMPARE(s->user.email, QStringLiteral("soon@example.org"));
        const ComplianceEntry *e = find(r.passwordExpired, expired);
        QVERIFY(e);
        QCOMPARE(e->at, ago);
        QVERIFY(!find(r.passwordExpired, exempt) && !find(r.passwordExpiring, exempt));
        const ComplianceReport narrow =
            runComplianceReport(profile(), testsupport::labAdminSecrets(), options(2));
        QVERIFY(!find(narrow.passwordExpiring, soon));
    }

    void csvAndJsonFromTurnstilectl()
    {
        QByteArray out, err;
        QCOMPARE(ctl({QStringLiteral("users"), QStringLiteral("expiring"),
                      QStringLiteral("--profile"), profile().name, QStringLiteral("--within"),
                      QStringLiteral("7d"), QStringLiteral("--csv")},
                     &out, &err),
                 0);
        const QStringList lines = QString::fromUtf8(out).split(QStringLiteral("\r\n"));
        QCOMPARE(lines.value(0),
                 QStringLiteral("list,name,domain,email,date,user_id,failures,service_account"));
        const QString soonLine =
            QStringLiteral("password_expiring,%1,Default,soon@example.org,").arg(name("pw-soon"));
        bool sawSoon = false, sawExpired = false;
        for (const QString &l : lines) {
            if (l.startsWith(soonLine)) {
                sawSoon = true;
                const QString date = l.mid(soonLine.size()).section(u',', 0, 0);
                const QDateTime t = QDateTime::fromString(date, Qt::ISODate);
                QVERIFY2(qAbs(t.secsTo(QDateTime::currentDateTimeUtc().addDays(3))) < 600,
                         qPrintable(date));
            }
            sawExpired =
                sawExpired ||
                l.startsWith(QStringLiteral("password_expired,%1,").arg(name("pw-expired")));
        }
        QVERIFY2(sawSoon && sawExpired, out.constData());

        QCOMPARE(ctl({QStringLiteral("users"), QStringLiteral("inactive"),
                      QStringLiteral("--profile"), profile().name, QStringLiteral("--json")},
                     &out, &err),
                 0);
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(
            o.value(u"settings").toObject().value(u"disable_user_account_days_inactive").toInt(),
            90);
        bool sawIdle = false;
        for (const QJsonValue &v : o.value(u"lists").toObject().value(u"inactive_soon").toArray())
            sawIdle = sawIdle || v.toObject().value(u"name").toString() == name("idle-soon");
        QVERIFY2(sawIdle, out.constData());

        // Text mode: the settings first, then the lists.
        QCOMPARE(ctl({QStringLiteral("users"), QStringLiteral("locked"),
                      QStringLiteral("--profile"), profile().name},
                     &out, &err),
                 0);
        QVERIFY2(out.contains("lockout_failure_attempts") && out.contains("Locked now") &&
                     out.contains(name("victim").toUtf8()),
                 out.constData());
        // An unknown profile is a configuration error; a bad window a usage error.
        QCOMPARE(ctl({QStringLiteral("users"), QStringLiteral("locked"),
                      QStringLiteral("--profile"), QStringLiteral("no-such-profile")}),
                 3);
        QCOMPARE(
            ctl({QStringLiteral("users"), QStringLiteral("locked"), QStringLiteral("--profile"),
                 profile().name, QStringLiteral("--within"), QStringLiteral("soon")}),
            2);
    }

    void oldSchemaSaysUnavailableForThisSchema()
    {
        // A copy of Keystone's user tables as a release before Newton had them.
        m_scratchDb =
            QStringLiteral("tst_compliance_old_%1").arg(QCoreApplication::applicationPid());
        // The keystone user may only create tables in its own schema; use root.
        DbConnection root(labMysqlRootUrl(), QString());
        QVERIFY2(root.open(), qPrintable(root.error()));
        QSqlQuery q(root.database());
        QVERIFY(q.exec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_scratchDb)));
        QVERIFY(q.exec(QStringLiteral("CREATE DATABASE `%1`").arg(m_scratchDb)));
        for (const char *t : {"user", "local_user", "password", "project"})
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE `%1`.`%2` LIKE `keystone`.`%2`")
                               .arg(m_scratchDb, QLatin1String(t))));
        QVERIFY(q.exec(QStringLiteral("ALTER TABLE `%1`.local_user DROP COLUMN failed_auth_count, "
                                      "DROP COLUMN failed_auth_at")
                           .arg(m_scratchDb)));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO `%1`.user (id, enabled, domain_id, created_at) "
                                      "VALUES ('old1', 1, 'default', UTC_TIMESTAMP())")
                           .arg(m_scratchDb)));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO `%1`.local_user (id, user_id, domain_id, name) "
                                      "VALUES (1, 'old1', 'default', 'old-user')")
                           .arg(m_scratchDb)));

        DbConnection db(labMysqlRootUrl(m_scratchDb), QString());
        ComplianceSettings settings;
        settings.lockoutFailureAttempts = 3;
        settings.disableInactiveDays = 90;
        ComplianceInspector inspector(db, settings);
        const ComplianceReport r = inspector.inspect(7);
        for (const ComplianceList l : {ComplianceList::Locked, ComplianceList::Failing}) {
            QVERIFY(!r.list(l).available());
            QVERIFY2(r.list(l).error.startsWith(QStringLiteral("unavailable for this schema")),
                     qPrintable(r.list(l).error));
            QVERIFY(r.list(l).error.contains(QStringLiteral("local_user.failed_auth_count")));
        }
        // The other lists still answer.
        QVERIFY2(r.inactiveDisabled.available(), qPrintable(r.inactiveDisabled.error));
        QVERIFY2(r.passwordExpired.available(), qPrintable(r.passwordExpired.error));
        QVERIFY(r.notes.join(u' ').contains(QStringLiteral("user_option")));
        // Finding a user for the unlock preview needs none of the missing columns.
        const ComplianceInspector::Lookup found = inspector.findUsers(QStringLiteral("old-user"));
        QVERIFY2(found.error.isEmpty(), qPrintable(found.error));
        QCOMPARE(found.users.size(), 1);
        QCOMPARE(found.users.at(0).failedAuthCount, 0);
    }

    // Issue 9's "done when": the locked service accounts of this run turn the
    // Overview tile red with their names and unlock times (the code path the
    // probe scheduler runs every cycle), one guarded unlock each clears them,
    // and the log-in succeeds afterwards.
    void lockedServiceAccountIsRedOnTheOverviewUntilUnlocked()
    {
        const QString direct = name("svc-direct");
        const QString viaGroup = name("svc-group-member");
        auto verdict = [this] {
            ProbeResult r = runProbe(profile(), testsupport::labAdminSecrets(), 1);
            applyComplianceAlert(r,
                                 summarizeCompliance(runComplianceReport(
                                     profile(), testsupport::labAdminSecrets(), options())),
                                 effectiveThresholds({}));
            return r;
        };
        // Earlier slots unlocked both; three wrong passwords lock them again.
        QVERIFY(lockOut(direct));
        QVERIFY(lockOut(viaGroup));
        const ProbeResult red = verdict();
        QVERIFY(red.compliance.has_value());
        QVERIFY2(red.compliance->lockedServiceAccounts.size() >= 2,
                 QJsonDocument(red.compliance->toJson()).toJson().constData());
        QCOMPARE(OverviewModel::statusOf(red), OverviewModel::Status::Critical);
        const QString reason = OverviewModel::reasonOf(red);
        QVERIFY2(reason.contains(direct) && reason.contains(viaGroup), qPrintable(reason));
        const QDateTime unlocksAt =
            QDateTime::fromSecsSinceEpoch(failures(m_ids.value(direct)).second + 1800, Qt::UTC);
        QVERIFY2(reason.contains(unlocksAt.toString(QStringLiteral("HH:mm"))), qPrintable(reason));

        AuditLog audit(auditPath());
        GuardedWorkflow workflow(profile(), audit);
        ActionControl control;
        for (const QString &u : {direct, viaGroup}) {
            UserUnlock unlock(profile(), testsupport::labAdminSecrets(), u);
            unlock.setServiceNames(name("svc-project"), name("svc-role"));
            const ActionPreview p = unlock.preview();
            QVERIFY2(!p.refused(), qPrintable(p.refusal));
            const ActionResult r = workflow.run(unlock, p, Confirmation{u, -1}, control);
            QVERIFY2(r.ok(), qPrintable(r.message));
            QCOMPARE(login(u, m_password), 201);
        }
        const ProbeResult after = verdict();
        QVERIFY(after.compliance && after.compliance->lockedServiceAccounts.isEmpty());
        QVERIFY(OverviewModel::statusOf(after) != OverviewModel::Status::Critical ||
                !OverviewModel::reasonOf(after).contains(direct));
        QVERIFY(!OverviewModel::reasonOf(after).contains(viaGroup));
    }
};

QTEST_GUILESS_MAIN(TestLabCompliance)
#include "tst_lab_compliance.moc"
