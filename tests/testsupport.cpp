#include "testsupport.h"

#include <QFile>
#include <QTextStream>

namespace testsupport {

QHash<QString, QString> labEnv()
{
    QHash<QString, QString> env;
    QString path = qEnvironmentVariable("TURNSTILE_LAB_ENV");
    if (path.isEmpty())
        path = QStringLiteral(TURNSTILE_TEST_LAB_ENV);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return env;
    QTextStream in(&f);
    while (!in.atEnd()) {
        QString line = in.readLine().trimmed();
        if (line.startsWith(u"export "))
            line = line.mid(7);
        const qsizetype eq = line.indexOf(u'=');
        if (line.isEmpty() || line.startsWith(u'#') || eq <= 0)
            continue;
        QString value = line.mid(eq + 1);
        if (value.size() >= 2 && value.startsWith(u'\'') && value.endsWith(u'\''))
            value = value.mid(1, value.size() - 2);
        env.insert(line.left(eq), value);
    }
    return env;
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

} // namespace testsupport
