// libFuzzer target: keystone.conf text through IniFile and KeystoneConf, up to
// what applyKeystoneConf puts into a profile.
#include "profiles/keystoneconf.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

using namespace turnstile;

namespace {

// Every failure must come with a sentence.
void check(bool condition)
{
    if (!condition)
        abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString source = QStringLiteral("fuzz/keystone.conf");

    QString error;
    const IniFile ini = IniFile::parse(input, source, &error);
    if (!error.isEmpty())
        return 0;
    (void)ini.value(QStringLiteral("database"), QStringLiteral("connection"));
    (void)ini.values(QStringLiteral("cache"), QStringLiteral("memcache_servers"));

    const KeystoneConf conf = KeystoneConf::fromIni(ini, &error);
    if (!error.isEmpty())
        return 0;
    check(!conf.databaseConnection || conf.database.isValid() || !conf.databaseError.isEmpty());
    Profile profile;
    applyKeystoneConf(profile, conf, QStringLiteral("/etc/keystone/keystone.conf"));
    if (conf.database.isValid()) {
        (void)conf.database.toString(true);
        (void)conf.database.displayHost();
        (void)conf.database.effectivePort();
        (void)conf.database.qtDriver();
    }
    return 0;
}
