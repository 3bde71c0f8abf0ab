#include "galeralab.h"

#include "labenv.h"
#include "testsupport.h"

#include <QDir>
#include <QProcess>
#include <QProcessEnvironment>
#include <QtDebug>

#include <unistd.h>

namespace testsupport {

QHash<QString, QString> galeraEnv()
{
    const QString dir = lab(QStringLiteral("TURNSTILE_LAB_DIR"));
    if (dir.isEmpty())
        return {};
    return labsupport::readLabEnv(QDir(dir).filePath(QStringLiteral("galera.env")));
}

QString galera(const QString &key)
{
    static const QHash<QString, QString> env = galeraEnv();
    return env.value(key);
}

QString galeraAddress(int n)
{
    return QStringLiteral("127.0.0.1:%1").arg(galera(QStringLiteral("GALERA_PORT_%1").arg(n)));
}

QStringList galeraAddresses()
{
    return {galeraAddress(1), galeraAddress(2), galeraAddress(3)};
}

turnstile::DatabaseUrl galeraUrl(int n, const QString &user)
{
    return turnstile::DatabaseUrl::parse(
        QStringLiteral("mysql+pymysql://%1@%2/keystone").arg(user, galeraAddress(n)));
}

turnstile::DatabaseUrl galeraAdminUrl(int n, const QString &database)
{
    const QString admin = geteuid() == 0 ? QStringLiteral("root") : qEnvironmentVariable("USER");
    return turnstile::DatabaseUrl::parse(
        QStringLiteral("mysql://%1@localhost/%2?unix_socket=%3")
            .arg(admin, database, galera(QStringLiteral("GALERA_SOCKET_%1").arg(n))));
}

bool galeraScript(const QStringList &args, int timeoutMs)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LAB_DIR"), lab(QStringLiteral("TURNSTILE_LAB_DIR")));
    env.remove(QStringLiteral("LAB_PORT_BASE")); // the one galera.sh remembered at start
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(TURNSTILE_SOURCE_DIR "/tests/lab/galera.sh"), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        qWarning().noquote() << "galera.sh" << args.join(u' ') << "timed out";
        return false;
    }
    const QString out = QString::fromUtf8(p.readAll());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning().noquote() << "galera.sh" << args.join(u' ') << "failed:" << out;
        return false;
    }
    qInfo().noquote() << out.trimmed();
    return true;
}

} // namespace testsupport
