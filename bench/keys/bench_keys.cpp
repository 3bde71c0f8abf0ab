// bench_keys --nodes ssh://node1/DIR1,ssh://node2/DIR2,ssh://node3/DIR3 [--runs 5]
// Reads the key status of all nodes (first with a fresh ssh control
// directory, i.e. new connections, then with shared connections) and runs
// the guarded rotation (rotate on the source, node-to-node distribution,
// verification) --runs times. Prints one line per measurement and a summary;
// exit 0 when the medians meet the goals (status < 2 s, rotation < 10 s).
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "keys/keyrotation.h"
#include "keys/keystatus.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace turnstile;

namespace {
double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? -1 : v[v.size() / 2];
}
void line(const char *what, const QList<double> &v)
{
    std::printf("%-44s median %7.0f ms  min %7.0f  max %7.0f  (n=%lld)\n", what, median(v),
                *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()),
                qlonglong(v.size()));
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    QStringList nodeTexts;
    int runs = 5;
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == u"--nodes" && i + 1 < args.size())
            nodeTexts = args[++i].split(u',', Qt::SkipEmptyParts);
        else if (args[i] == u"--runs" && i + 1 < args.size())
            runs = std::max(1, args[++i].toInt());
    }
    QList<KeyLocation> nodes;
    for (const QString &t : nodeTexts) {
        QString err;
        const auto l = KeyLocation::parse(t, &err);
        if (!l) {
            std::fprintf(stderr, "%s\n", qPrintable(err));
            return 2;
        }
        nodes << *l;
    }
    if (nodes.isEmpty()) {
        std::fprintf(stderr, "usage: bench_keys --nodes LOC,LOC,LOC [--runs N]\n");
        return 2;
    }
    QTemporaryDir state;
    qputenv("TURNSTILE_PENDING_DIR", state.filePath(QStringLiteral("pending")).toUtf8());
    KeySetup setup;
    setup.fernet = nodes;
    setup.settings.maxActiveKeys = 3;
    setup.ssh = SshOptions::fromEnvironment();

    QList<double> cold, warm, preview, rotate;
    for (int r = 0; r < runs; ++r) {
        // New connections: a control directory nobody has used yet.
        QTemporaryDir ctl(QDir::tempPath() + QStringLiteral("/tkb-XXXXXX"));
        SshOptions fresh = setup.ssh;
        fresh.controlDir = ctl.path();
        KeySetup coldSetup = setup;
        coldSetup.ssh = fresh;
        QElapsedTimer t;
        t.start();
        KeyStatus st = readKeyStatus(coldSetup);
        cold << t.nsecsElapsed() / 1e6;
        t.restart();
        st = readKeyStatus(coldSetup);
        warm << t.nsecsElapsed() / 1e6;
        if (st.fernetConsistency.level != KeyConsistency::Level::Ok &&
            st.fernetConsistency.level != KeyConsistency::Level::Critical) {
            std::fprintf(stderr, "status: %s\n", qPrintable(st.summary()));
        }
        for (const RepositoryState &n : st.fernet)
            if (!n.readable()) {
                std::fprintf(stderr, "%s\n", qPrintable(n.errorMessage));
                return 1;
            }

        KeyRotation action(nodes, setup.settings, fresh, KeyRotation::targetFor({}, nodes));
        t.restart();
        const ActionPreview pv = action.preview();
        preview << t.nsecsElapsed() / 1e6;
        if (pv.refused()) {
            std::fprintf(stderr, "refused: %s\n", qPrintable(pv.refusal));
            return 1;
        }
        AuditLog audit(state.filePath(QStringLiteral("audit.jsonl")));
        Profile p;
        p.name = QStringLiteral("bench");
        GuardedWorkflow wf(p, audit);
        Confirmation c;
        c.typedTarget = pv.target.text;
        c.acknowledged = pv.mustAcknowledge;
        ActionControl control;
        t.restart();
        const ActionResult res = wf.run(action, pv, c, control);
        rotate << t.nsecsElapsed() / 1e6;
        std::printf("run %d: status cold %.0f ms, warm %.0f ms; preview %.0f ms; rotate+distribute+"
                    "verify %.0f ms: %s\n",
                    r + 1, cold.last(), warm.last(), preview.last(), rotate.last(),
                    qPrintable(res.message));
        if (!res.ok())
            return 1;
    }
    std::printf("\n%lld nodes, %d runs\n", qlonglong(nodes.size()), runs);
    line("status, new ssh connections", cold);
    line("status, shared connections (ControlMaster)", warm);
    line("rotation preview (reads every node)", preview);
    line("rotate + distribute + verify", rotate);
    const bool ok = median(cold) < 2000 && median(warm) < 2000 && median(rotate) < 10000;
    std::printf("goals (status < 2 s, rotate+distribute+verify < 10 s): %s\n",
                ok ? "met" : "NOT met");
    return ok ? 0 : 1;
}
