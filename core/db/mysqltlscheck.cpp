#include "db/mysqltlscheck.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QtEndian>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "MysqlTlsCheck" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(MysqlTlsCheck)
};

constexpr quint32 kClientLongPassword = 0x1;
constexpr quint32 kClientProtocol41 = 0x200;
constexpr quint32 kClientSsl = 0x800;
constexpr quint32 kClientSecureConnection = 0x8000;

bool readExactly(QSslSocket &s, qint64 n, QByteArray *out, const QDeadlineTimer &deadline)
{
    out->clear();
    while (out->size() < n) {
        if (s.bytesAvailable() == 0 && !s.waitForReadyRead(int(deadline.remainingTime())))
            return false;
        out->append(s.read(n - out->size()));
    }
    return true;
}

QSslKey readKey(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray pem = f.readAll();
    for (QSsl::KeyAlgorithm a : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
        QSslKey k(pem, a);
        if (!k.isNull())
            return k;
    }
    return {};
}
} // namespace

QString MysqlTlsCheck::verify(const DatabaseUrl &url, const QString &caFile, int timeoutMs)
{
    const QString where = url.displayHost();
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(caFile);
    if (ca.isEmpty())
        return Tr::tr("Cannot read the CA certificates %1 for the database %2.").arg(caFile, where);
    const QDeadlineTimer deadline(timeoutMs);
    QSslSocket s;
    s.connectToHost(url.host, quint16(url.effectivePort()));
    if (!s.waitForConnected(int(deadline.remainingTime())))
        return Tr::tr("Cannot connect to the database at %1: %2").arg(where, s.errorString());

    // The server speaks first: [3-byte length][sequence] then the greeting.
    QByteArray header, greeting;
    if (!readExactly(s, 4, &header, deadline) ||
        !readExactly(s, qFromLittleEndian<quint32>(header.constData()) & 0xffffff, &greeting,
                     deadline) ||
        greeting.isEmpty())
        return Tr::tr("The database at %1 did not greet as a MySQL server.").arg(where);
    if (quint8(greeting.at(0)) != 10)
        return Tr::tr("The database at %1 refused the connection or is not a MySQL server.")
            .arg(where);
    // protocol(1) version(NUL-terminated) thread id(4) auth data(8) filler(1) capabilities(2)
    const qsizetype versionEnd = greeting.indexOf('\0', 1);
    if (versionEnd < 0 || greeting.size() < versionEnd + 1 + 4 + 8 + 1 + 2)
        return Tr::tr("The database at %1 did not greet as a MySQL server.").arg(where);
    const quint16 capabilities =
        qFromLittleEndian<quint16>(greeting.constData() + versionEnd + 1 + 4 + 8 + 1);
    if (!(capabilities & kClientSsl))
        return Tr::tr("The database server at %1 does not offer TLS, which this profile "
                      "requires (ssl_mode=DISABLED in the database URL connects without it).")
            .arg(where);

    // SSLRequest: capabilities, max packet, character set, 23 bytes of zero.
    QByteArray request(4 + 32, '\0');
    qToLittleEndian<quint32>(32, request.data()); // 3-byte length ...
    request[3] = 1;                               // ... and sequence number 1
    qToLittleEndian<quint32>(kClientLongPassword | kClientProtocol41 | kClientSsl |
                                 kClientSecureConnection,
                             request.data() + 4);
    qToLittleEndian<quint32>(16 * 1024 * 1024, request.data() + 8);
    request[12] = 33; // utf8_general_ci
    if (s.write(request) != request.size() || !s.waitForBytesWritten(int(deadline.remainingTime())))
        return Tr::tr("Cannot connect to the database at %1: %2").arg(where, s.errorString());

    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates(ca);
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!url.tlsCertFile.isEmpty()) {
        config.setLocalCertificateChain(QSslCertificate::fromPath(url.tlsCertFile));
        config.setPrivateKey(readKey(url.tlsKeyFile.isEmpty() ? url.tlsCertFile : url.tlsKeyFile));
    }
    s.setSslConfiguration(config);
    if (url.effectiveTlsMode() == DatabaseUrl::TlsMode::VerifyCa) {
        // verify-ca: the chain, not the name.
        QObject::connect(&s, &QSslSocket::sslErrors, &s, [&s](const QList<QSslError> &errors) {
            QList<QSslError> ignorable;
            for (const QSslError &e : errors)
                if (e.error() == QSslError::HostNameMismatch)
                    ignorable.append(e);
            if (ignorable.size() == errors.size())
                s.ignoreSslErrors(ignorable);
        });
    }
    s.startClientEncryption();
    if (!s.waitForEncrypted(int(deadline.remainingTime()))) {
        QStringList why;
        for (const QSslError &e : s.sslHandshakeErrors())
            why.append(e.errorString());
        if (why.isEmpty())
            why.append(s.errorString());
        return Tr::tr("The database server at %1 did not prove its identity: %2")
            .arg(where, why.join(QStringLiteral("; ")));
    }
    s.abort();
    return {};
}

} // namespace turnstile
