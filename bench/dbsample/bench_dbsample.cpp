// bench_dbsample generate: writes the rows of a legacy `token` table as a
//   tab-separated file for LOAD DATA LOCAL INFILE (fast to load, sorted by id
//   so the clustered index fills in order).
// bench_dbsample measure: runs KeystoneInspector's frequent cycle and exact
//   figures against a database and prints the database time of each part as
//   a Markdown table (the password comes from TURNSTILE_BENCH_DB_PASSWORD,
//   never from the command line).
#include "db/dbconnection.h"
#include "db/keystoneinspector.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

using namespace turnstile;

namespace {

std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// A Keystone-style id: 32 lower-case hex digits (uuid4().hex).
std::string hexId(std::uint64_t a, std::uint64_t b)
{
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    return std::string(buf, 32);
}

std::string stableId(std::uint64_t kind, std::uint64_t n)
{
    return hexId(splitmix(kind * 1000003 + n), splitmix(~(kind * 7919 + n)));
}

std::string utcText(std::time_t t)
{
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[20];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

struct GenOptions
{
    QString out;
    qint64 rows = 2000000;
    int days = 60;
    double notifierShare = 0.30;
    int extraBytes = 200;
    quint64 seed = 42;
    std::time_t now = 0;
};

int generate(const GenOptions &o)
{
    QElapsedTimer clock;
    clock.start();
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    // Ids first, sorted: the file then loads in primary-key order.
    std::vector<std::array<std::uint64_t, 2>> ids(static_cast<size_t>(o.rows));
    for (auto &id : ids)
        id = {rng(), rng()};
    std::sort(ids.begin(), ids.end());

    // Ordinary users follow a Zipf law (a few service users issue most); 50
    // other trusts (orchestration) take 5 %; one notifier takes its share
    // through a single trust.
    constexpr int kUsers = 5000;
    constexpr int kTrusts = 50;
    std::vector<double> cdf(kUsers);
    double sum = 0;
    for (int i = 0; i < kUsers; ++i) {
        sum += 1.0 / std::pow(i + 1, 1.1);
        cdf[size_t(i)] = sum;
    }
    for (double &c : cdf)
        c /= sum;
    const std::string notifierUser = stableId(1, 0);
    const std::string notifierTrust = stableId(2, 0);
    const std::string pad(static_cast<size_t>(std::max(0, o.extraBytes - 80)), 'x');
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    FILE *f = std::fopen(o.out.toLocal8Bit().constData(), "wb");
    if (!f) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(o.out));
        return 1;
    }
    std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
    const double span = double(o.days) * 86400.0;
    qint64 live = 0;
    qint64 notifier = 0;
    qint64 bytes = 0;
    std::string line;
    for (const auto &id : ids) {
        // Issue time: uniform over the window with a day/night swing.
        double ago = 0;
        for (;;) {
            ago = unit(rng) * span;
            const double hour = std::fmod(double(o.now - std::time_t(ago)) / 3600.0, 24.0);
            if (unit(rng) * 1.5 < 1.0 + 0.5 * std::sin((hour - 8.0) / 24.0 * 2.0 * M_PI))
                break;
        }
        const std::time_t expires = o.now - std::time_t(ago) + 86400; // 24 h tokens
        live += expires >= o.now ? 1 : 0;
        std::string user;
        std::string trust;
        const double who = unit(rng);
        if (who < o.notifierShare) {
            user = notifierUser;
            trust = notifierTrust;
            ++notifier;
        } else if (who < o.notifierShare + 0.05) {
            const int t = int(kTrusts * unit(rng) * unit(rng));
            trust = stableId(3, std::uint64_t(t));
            user = stableId(4, std::uint64_t(t));
        } else {
            const double r = unit(rng);
            const int u = int(std::lower_bound(cdf.begin(), cdf.end(), r) - cdf.begin());
            user = stableId(5, std::uint64_t(u));
        }
        std::string audit(22, 'A');
        for (char &c : audit)
            c = b64[rng() & 63];
        line.clear();
        line += hexId(id[0], id[1]);
        line += '\t';
        line += utcText(expires);
        line += "\t{\"audit_ids\": [\"" + audit + "\"], \"methods\": [\"password\"], \"pad\": \"" +
                pad + "\"}\t";
        line += unit(rng) < 0.01 ? '0' : '1';
        line += '\t';
        line += trust.empty() ? std::string("\\N") : trust;
        line += '\t';
        line += user;
        line += '\n';
        bytes += qint64(line.size());
        std::fwrite(line.data(), 1, line.size(), f);
    }
    if (std::fclose(f) != 0) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(o.out));
        return 1;
    }
    std::printf(
        "generated %lld rows (%lld bytes) in %.1f s: %lld live at %s UTC, %lld (%.1f %%) by the "
        "notifier "
        "trust %s\n",
        static_cast<long long>(o.rows), static_cast<long long>(bytes), clock.elapsed() / 1000.0,
        static_cast<long long>(live), utcText(o.now).c_str(), static_cast<long long>(notifier),
        100.0 * double(notifier) / double(std::max<qint64>(1, o.rows)), notifierTrust.c_str());
    return 0;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Series
{
    QString name;
    std::vector<double> ms;
};

void printSeries(const QList<Series> &rows)
{
    std::printf("| Part | median ms | min ms | max ms | runs |\n|---|---:|---:|---:|---:|\n");
    for (const Series &s : rows) {
        if (s.ms.empty())
            continue;
        std::printf("| %s | %.2f | %.2f | %.2f | %zu |\n", qPrintable(s.name), median(s.ms),
                    *std::min_element(s.ms.begin(), s.ms.end()),
                    *std::max_element(s.ms.begin(), s.ms.end()), s.ms.size());
    }
}

QString show(const Metric<qint64> &m)
{
    return m.value ? QString::number(*m.value) : m.error;
}

int measure(const QString &urlText, int cycles, int exactRuns)
{
    QString err;
    const DatabaseUrl url = DatabaseUrl::parse(urlText, &err);
    if (!url.isValid()) {
        std::fprintf(stderr, "%s\n", qPrintable(err));
        return 2;
    }
    DbConnection db(url, qEnvironmentVariable("TURNSTILE_BENCH_DB_PASSWORD"));
    InspectorSettings settings;
    settings.topProducers = 5;
    KeystoneInspector in(db, settings);
    QString reason;
    if (!in.session().begin(&reason)) {
        std::fprintf(stderr, "%s\n", qPrintable(reason));
        return 1;
    }
    std::printf("Server: %s, database %s at %s\n\n", qPrintable(in.session().serverVersion()),
                qPrintable(url.database), qPrintable(url.displayHost()));

    // Frequent cycle; the first one runs on a fresh connection and cold
    // statistics, so it is listed on its own.
    Series total{QStringLiteral("**frequent cycle, database time**"), {}};
    Series wall{QStringLiteral("frequent cycle, wall time"), {}};
    Series schema{QStringLiteral("schema detection + migration + token has rows"), {}};
    Series tables{QStringLiteral("table statistics (information_schema)"), {}};
    Series tokens{QStringLiteral("token MIN/MAX, EXPLAIN estimates, COUNT of the short side"), {}};
    Series revocations{QStringLiteral("revocation figures"), {}};
    FrequentSample last;
    double first = 0;
    for (int i = 0; i < cycles + 1; ++i) {
        QElapsedTimer t;
        t.start();
        const FrequentSample f = in.sampleFrequent();
        const double w = t.nsecsElapsed() / 1e6;
        if (i == 0) {
            first = f.databaseMs;
            continue;
        }
        total.ms.push_back(f.databaseMs);
        wall.ms.push_back(w);
        schema.ms.push_back(f.schema.tables.queryMs + f.schema.migration.queryMs +
                            f.schema.tokenHasRows.queryMs);
        tables.ms.push_back(f.tables.isEmpty() ? 0 : f.tables.constFirst().size.queryMs);
        tokens.ms.push_back(f.tokens.queryMs);
        revocations.ms.push_back(f.revocations.queryMs);
        last = f;
    }
    std::printf("Frequent cycle (%d cycles after a first one of %.2f ms):\n\n", cycles, first);
    printSeries({total, wall, schema, tables, tokens, revocations});

    Series split{QStringLiteral("**exact expired/live split** (MIN/MAX + 2 range COUNTs)"), {}};
    Series expired{QStringLiteral("COUNT expires < now"), {}};
    Series live{QStringLiteral("COUNT expires >= now"), {}};
    Series byUser{QStringLiteral("top producers by user_id (GROUP BY, LIMIT 5)"), {}};
    Series byTrust{QStringLiteral("top producers by trust_id (GROUP BY, LIMIT 5)"), {}};
    Series count{QStringLiteral("exact COUNT(*) of token (on demand)"), {}};
    Series users{QStringLiteral("account figures"), {}};
    Series server{QStringLiteral("server-wide sizes"), {}};
    Series exact{QStringLiteral("whole exact sample"), {}};
    TokenStats exactTokens;
    ExactSample lastExact;
    for (int i = 0; i < exactRuns; ++i) {
        exactTokens = in.tokenCounts();
        split.ms.push_back(exactTokens.queryMs);
        expired.ms.push_back(exactTokens.expired.queryMs);
        live.ms.push_back(exactTokens.live.queryMs);
        const TokenProducers p = in.tokenProducers();
        byUser.ms.push_back(p.byUser.queryMs);
        byTrust.ms.push_back(p.byTrust.queryMs);
        count.ms.push_back(in.exactRowCount(KeystoneTable::Token).queryMs);
        users.ms.push_back(in.userStats().queryMs);
        server.ms.push_back(in.serverSizes().queryMs);
        lastExact = in.sampleExact();
        exact.ms.push_back(lastExact.databaseMs);
    }
    std::printf("\nExact figures (%d runs):\n\n", exactRuns);
    printSeries({split, expired, live, byUser, byTrust, count, users, server, exact});

    std::printf(
        "\nFigures: frequent expired %s%s / live %s%s; exact expired %s / live %s; oldest "
        "expires %s, newest %s; "
        "revocation events %s (obsolete %s)\n",
        qPrintable(show(last.tokens.expired)),
        last.tokens.expiredExact ? " (counted)" : " (estimate)", qPrintable(show(last.tokens.live)),
        last.tokens.liveExact ? " (counted)" : " (estimate)", qPrintable(show(exactTokens.expired)),
        qPrintable(show(exactTokens.live)),
        qPrintable(last.tokens.oldestExpires.value
                       ? last.tokens.oldestExpires.value->toString(Qt::ISODate)
                       : last.tokens.oldestExpires.error),
        qPrintable(last.tokens.newestExpires.value
                       ? last.tokens.newestExpires.value->toString(Qt::ISODate)
                       : last.tokens.newestExpires.error),
        qPrintable(show(last.revocations.total)), qPrintable(show(last.revocations.obsolete)));
    for (const auto &[label, list] : {std::pair{"user_id", lastExact.producers.byUser},
                                      std::pair{"trust_id", lastExact.producers.byTrust}}) {
        std::printf("Top by %s:", label);
        if (!list.value)
            std::printf(" %s", qPrintable(list.error));
        for (const TokenProducer &p : list.value.value_or(QList<TokenProducer>{}))
            std::printf(" %s…=%lld (%.1f %%)", qPrintable(p.id.left(8)),
                        static_cast<long long>(p.tokens), 100.0 * p.share.value_or(0));
        std::printf("\n");
    }
    for (const KeystoneTableStats &t : last.tables) {
        if (t.table == KeystoneTable::Token && t.size.value)
            std::printf("token statistics: TABLE_ROWS %lld, data %.1f MiB, indexes %.1f MiB, free "
                        "%.1f MiB\n",
                        static_cast<long long>(t.size.value->rowsEstimate.value_or(-1)),
                        t.size.value->dataBytes.value_or(0) / 1048576.0,
                        t.size.value->indexBytes.value_or(0) / 1048576.0,
                        t.size.value->freeBytes.value_or(0) / 1048576.0);
    }
    std::printf("reconnects: %d\n", in.session().reconnects());
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Seeds and samples a legacy Keystone token table."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("generate | measure"));
    p.addOption(
        {QStringLiteral("out"), QStringLiteral("generate: output file"), QStringLiteral("file")});
    p.addOption({QStringLiteral("rows"), QStringLiteral("generate: rows"), QStringLiteral("n"),
                 QStringLiteral("2000000")});
    p.addOption({QStringLiteral("days"), QStringLiteral("generate: issue window in days"),
                 QStringLiteral("n"), QStringLiteral("60")});
    p.addOption({QStringLiteral("notifier-share"),
                 QStringLiteral("generate: share of the notifier trust"), QStringLiteral("f"),
                 QStringLiteral("0.30")});
    p.addOption({QStringLiteral("extra-bytes"),
                 QStringLiteral("generate: size of the extra column"), QStringLiteral("n"),
                 QStringLiteral("200")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("generate: random seed"),
                 QStringLiteral("n"), QStringLiteral("42")});
    p.addOption({QStringLiteral("now"),
                 QStringLiteral("generate: the instant as Unix time (default: now)"),
                 QStringLiteral("s")});
    p.addOption({QStringLiteral("url"), QStringLiteral("measure: database URL without password"),
                 QStringLiteral("url")});
    p.addOption({QStringLiteral("cycles"), QStringLiteral("measure: frequent cycles"),
                 QStringLiteral("n"), QStringLiteral("20")});
    p.addOption({QStringLiteral("exact-runs"), QStringLiteral("measure: exact runs"),
                 QStringLiteral("n"), QStringLiteral("3")});
    p.process(app);
    const QString mode = p.positionalArguments().value(0);
    if (mode == u"generate") {
        GenOptions o;
        o.out = p.value(QStringLiteral("out"));
        o.rows = p.value(QStringLiteral("rows")).toLongLong();
        o.days = p.value(QStringLiteral("days")).toInt();
        o.notifierShare = p.value(QStringLiteral("notifier-share")).toDouble();
        o.extraBytes = p.value(QStringLiteral("extra-bytes")).toInt();
        o.seed = p.value(QStringLiteral("seed")).toULongLong();
        o.now = p.isSet(QStringLiteral("now"))
                    ? std::time_t(p.value(QStringLiteral("now")).toLongLong())
                    : std::time(nullptr);
        if (o.out.isEmpty() || o.rows <= 0 || o.days <= 0) {
            std::fprintf(stderr, "generate needs --out, --rows > 0 and --days > 0\n");
            return 2;
        }
        return generate(o);
    }
    if (mode == u"measure") {
        return measure(p.value(QStringLiteral("url")),
                       std::max(1, p.value(QStringLiteral("cycles")).toInt()),
                       std::max(1, p.value(QStringLiteral("exact-runs")).toInt()));
    }
    p.showHelp(2);
}
