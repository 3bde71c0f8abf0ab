// libFuzzer target: clouds.yaml / secure.yaml text through CloudsYaml, up to
// the profiles it would import.
#include "profiles/cloudsyaml.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

using namespace turnstile;

namespace {

// A fixed clouds.yaml for the fuzz input to be merged over as secure.yaml.
const char kBase[] = R"(clouds:
  prod:
    auth:
      auth_url: https://keystone.example.com:5000/v3
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    regions: [RegionOne, RegionTwo]
)";

// Every failure must come with a sentence.
void check(bool condition)
{
    if (!condition)
        abort();
}

void importAll(const CloudsYaml &clouds)
{
    QStringList warnings;
    QString error;
    const QList<ImportedCloud> all = clouds.importClouds(QString(), &warnings, &error);
    check(!all.isEmpty() || !error.isEmpty());
    for (const QString &name : clouds.cloudNames()) {
        const QList<ImportedCloud> one = clouds.importCloud(name, &error);
        check(!one.isEmpty() || !error.isEmpty());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString source = QStringLiteral("fuzz/clouds.yaml");

    QString error;
    CloudsYaml clouds;
    if (clouds.parse(input, source, &error))
        importAll(clouds);
    else
        check(!error.isEmpty());

    CloudsYaml merged;
    check(merged.parse(QByteArray(kBase), source, &error));
    if (merged.mergeSecure(input, QStringLiteral("fuzz/secure.yaml"), &error))
        importAll(merged);
    else
        check(!error.isEmpty());
    return 0;
}
