#include "regionsupport.h"
#include "labenv.h"
#include "testsupport.h"

#include <QProcess>

namespace testsupport {

QHash<QString, QString> regionsEnv()
{
    static const QHash<QString, QString> env = labsupport::readLabEnv(
        lab(QStringLiteral("TURNSTILE_LAB_DIR")) + QStringLiteral("/regions.env"));
    return env;
}

QString region(const QString &key)
{
    return regionsEnv().value(key);
}

int regionCount()
{
    return region(QStringLiteral("REGION_COUNT")).toInt();
}

turnstile::Profile labRegionProfile(int n)
{
    const auto v = [n](const char *key) {
        return region(QLatin1String(key) + u'_' + QString::number(n));
    };
    turnstile::Profile p;
    p.name = region(QStringLiteral("REGION_CLOUD")) + u'-' + v("REGION_NAME");
    p.authUrl = QUrl(v("KEYSTONE_URL"));
    p.username = region(QStringLiteral("REGION_ADMIN_USER"));
    p.userDomainName = QStringLiteral("Default");
    p.projectName = region(QStringLiteral("REGION_ADMIN_PROJECT"));
    p.projectDomainName = QStringLiteral("Default");
    p.regionName = v("REGION_NAME");
    p.timeoutMs = 20000;
    p.databaseUrl = v("REGION_DB_URL");
    p.memcachedServers = {v("MEMCACHED")};
    p.keyRepositories = {QStringLiteral("ssh://") + v("REGION_NODE") + v("REGION_KEY_REPO"),
                         region(QStringLiteral("REGION_KEY_SOURCE"))};
    p.keystoneConfPath = v("KEYSTONE_CONF");
    return p;
}

turnstile::Secrets labRegionSecrets()
{
    turnstile::Secrets s;
    s.password = region(QStringLiteral("REGION_ADMIN_PASSWORD"));
    s.databasePassword = region(QStringLiteral("REGION_DB_PASSWORD"));
    return s;
}

bool runLabScript(const QStringList &arguments, QString *output)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LAB_DIR"), lab(QStringLiteral("TURNSTILE_LAB_DIR")));
    env.remove(QStringLiteral("LAB_PORT_BASE")); // the ports the lab remembered
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(TURNSTILE_SOURCE_DIR "/tests/lab/lab.sh"), arguments);
    const bool finished = p.waitForFinished(300000);
    if (output)
        *output = QString::fromLocal8Bit(p.readAll());
    return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace testsupport
