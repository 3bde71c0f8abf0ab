#include "testsupport.h"
#include "labenv.h"

#include "keystone/keystoneclient.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextStream>

#include <unistd.h>

namespace testsupport {

QHash<QString, QString> labEnv()
{
    QString path = qEnvironmentVariable("TURNSTILE_LAB_ENV");
    if (path.isEmpty())
        path = QStringLiteral(TURNSTILE_TEST_LAB_ENV);
    return labsupport::readLabEnv(path);
}

QString lab(const QString &key)
{
    static const QHash<QString, QString> env = labEnv();
    return env.value(key);
}

turnstile::Profile labAdminProfile(bool withDatabase)
{
    turnstile::Profile p;
    p.name = QStringLiteral("lab");
    p.authUrl = QUrl(lab(QStringLiteral("TURNSTILE_LAB_KS_URL")));
    p.username = lab(QStringLiteral("TURNSTILE_LAB_ADMIN_USER"));
    p.userDomainName = QStringLiteral("Default");
    p.projectName = lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PROJECT"));
    p.projectDomainName = QStringLiteral("Default");
    p.timeoutMs = 20000;
    if (withDatabase)
        p.databaseUrl = QStringLiteral("mysql+pymysql://%1@%2:%3/%4")
                            .arg(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_USER")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB")));
    return p;
}

turnstile::Secrets labAdminSecrets()
{
    turnstile::Secrets s;
    s.password = lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD"));
    s.databasePassword = lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD"));
    return s;
}

QString builtProgram(const QString &name)
{
    return QStringLiteral(TURNSTILE_BINARY_DIR "/app/") + name;
}

turnstile::DatabaseUrl labMysqlRootUrl(const QString &database)
{
    const QString rootUser = geteuid() == 0 ? QStringLiteral("root") : qEnvironmentVariable("USER");
    return turnstile::DatabaseUrl::parse(
        QStringLiteral("mysql://%1@localhost/%2?unix_socket=%3")
            .arg(rootUser, database, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_SOCKET"))));
}

turnstile::DatabaseUrl labPgUrl(const QString &user, const QString &database)
{
    return turnstile::DatabaseUrl::parse(
        QStringLiteral("postgresql://%1@%2:%3/%4")
            .arg(user, lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")),
                 lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")), database));
}

bool labPgSuperuser(const QString &sql, QString *out)
{
    const QStringList args{QStringLiteral("-X"), QStringLiteral("-q"),
                           QStringLiteral("-A"), QStringLiteral("-t"),
                           QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                           QStringLiteral("-h"), lab(QStringLiteral("TURNSTILE_LAB_PG_SOCKET_DIR")),
                           QStringLiteral("-p"), lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")),
                           QStringLiteral("-d"), QStringLiteral("postgres")};
    QProcess p;
    p.setWorkingDirectory(QStringLiteral("/"));
    if (geteuid() == 0)
        p.start(QStringLiteral("runuser"),
                QStringList{QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"),
                            QStringLiteral("psql")} +
                    args);
    else
        p.start(QStringLiteral("psql"), args);
    if (!p.waitForStarted(10000))
        return false;
    p.write(sql.toUtf8());
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        return false;
    if (out)
        *out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    if (p.exitCode() != 0)
        qWarning("psql: %s", p.readAllStandardError().constData());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool execOrWarn(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    qWarning("%s\n  -> %s", qPrintable(sql.left(300)), qPrintable(q.lastError().text()));
    return false;
}

QString createLabUser(turnstile::KeystoneClient &admin, const QString &name,
                      const QString &password)
{
    const QJsonObject user{{QStringLiteral("name"), name},
                           {QStringLiteral("domain_id"), QStringLiteral("default")},
                           {QStringLiteral("password"), password}};
    const turnstile::HttpResult h = admin.post(
        QStringLiteral("/users"),
        QJsonDocument(QJsonObject{{QStringLiteral("user"), user}}).toJson(QJsonDocument::Compact));
    if (h.status != 201)
        return {};
    return QJsonDocument::fromJson(h.body).object()[u"user"].toObject()[u"id"].toString();
}

int labUserLogin(const QString &user, const QString &password)
{
    turnstile::Profile p = labAdminProfile();
    p.name = QStringLiteral("lab-user-login");
    p.username = user;
    p.userDomainName = QStringLiteral("Default");
    p.projectName.clear();
    p.projectDomainName.clear();
    turnstile::Secrets s;
    s.password = password;
    turnstile::KeystoneClient c(p, s);
    return c.issueToken().http.status;
}

} // namespace testsupport
