#include "keys/keyrepository.h"

#include "keys/keyscripts.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QProcess>

#include <memory>
#include <vector>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeyRepository)
};

QString modeText(int mode)
{
    return QStringLiteral("%1").arg(mode, 4, 8, QLatin1Char('0'));
}
} // namespace

int RepositoryState::primary() const
{
    if (keys.isEmpty())
        return -1;
    const int last = keys.lastKey();
    return last > 0 ? last : -1;
}

QList<int> RepositoryState::secondaries() const
{
    QList<int> s;
    const int p = primary();
    for (auto it = keys.cbegin(); it != keys.cend(); ++it)
        if (it.key() != 0 && it.key() != p)
            s.append(it.key());
    return s;
}

QString RepositoryState::roleOf(int index) const
{
    if (index == 0)
        return QStringLiteral("staged");
    if (index == primary())
        return QStringLiteral("primary");
    return QStringLiteral("secondary");
}

QJsonObject RepositoryState::toJson() const
{
    QJsonObject o;
    o[u"location"] = location.text;
    o[u"node"] = location.node();
    o[u"kind"] = kind == Kind::Fernet ? QStringLiteral("fernet") : QStringLiteral("credential");
    if (!readable()) {
        o[u"error"] = nodeErrorName(error == NodeError::None ? NodeError::Failed : error);
        o[u"message"] = errorMessage;
        return o;
    }
    o[u"directory_mode"] = modeText(dirMode);
    o[u"directory_owner"] = dirOwner + u':' + dirGroup;
    o[u"primary"] = primary();
    QJsonArray keyArray;
    for (const KeyFile &k : keys) {
        QJsonObject ko;
        ko[u"index"] = k.index;
        ko[u"role"] = roleOf(k.index);
        ko[u"modified"] = k.modified.toString(Qt::ISODate);
        ko[u"mode"] = modeText(k.mode);
        ko[u"owner"] = k.owner;
        ko[u"group"] = k.group;
        ko[u"fingerprint"] = k.fingerprint;
        keyArray.append(ko);
    }
    o[u"keys"] = keyArray;
    o[u"problems"] = QJsonArray::fromStringList(problems);
    return o;
}

QByteArray repositoryListingScript(const QString &path)
{
    // One brace group: sh parses all of it before running any of it, so
    // nothing a command reads from stdin can eat the rest of the script.
    // Only names, stat fields and a truncated hash are printed.
    QString s = QStringLiteral(R"SH({
d=%1
if [ ! -e "$d" ]; then echo "ERR missing"; exit 0; fi
if [ ! -d "$d" ]; then echo "ERR notdir"; exit 0; fi
if [ ! -r "$d" ] || [ ! -x "$d" ]; then echo "ERR denied"; exit 0; fi
if [ -L "$d" ] || [ "$(cd "$d" && pwd -P)" != "$d" ]; then echo "UNSAFE dir"; fi
for f in "$d"/.turnstile*; do
  n=${f##*/}
  case $n in *[!A-Za-z0-9._-]*) n=- ;; esac
  if [ -L "$f" ]; then echo "UNSAFE link $n"
  elif [ -e "$f" ] && [ ! -f "$f" ] && [ ! -d "$f" ]; then echo "UNSAFE special $n"; fi
done
fp() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum <"$1" | cut -c1-16
  else openssl dgst -sha256 -r <"$1" | cut -c1-16; fi
}
echo "DIR $(stat -c '%a %U %G' "$d")"
echo "NOW $(date +%s)"
for f in "$d"/*; do
  n=${f##*/}
  case $n in ''|*[!0-9]*) continue ;; esac
  if [ -L "$f" ]; then echo "LINK $n"; continue; fi
  [ -f "$f" ] || continue
  if [ -r "$f" ]; then h=$(fp "$f"); else h=-; fi
  echo "KEY $n $(stat -c '%Y %a %U %G %s' "$f") $h"
done
echo END
}
)SH")
                    .arg(shellQuote(path));
    return s.toUtf8();
}

void parseRepositoryListing(const QByteArray &output, RepositoryState &state)
{
    const QString node = state.location.sshDestination();
    bool sawEnd = false;
    for (const QByteArray &raw : output.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty())
            continue;
        const QStringList f = line.split(u' ', Qt::SkipEmptyParts);
        const QString tag = f.first();
        if (tag == u"ERR") {
            const QString why = f.value(1);
            state.error = NodeError::Failed;
            if (why == u"missing")
                state.errorMessage =
                    Tr::tr("%1: the repository %2 does not exist.").arg(node, state.location.path);
            else if (why == u"notdir")
                state.errorMessage =
                    Tr::tr("%1: %2 is not a directory.").arg(node, state.location.path);
            else
                state.errorMessage =
                    Tr::tr("%1: permission denied reading %2.").arg(node, state.location.path);
            return;
        }
        if (tag == u"DIR" && f.size() >= 4) {
            state.dirMode = f.at(1).toInt(nullptr, 8);
            state.dirOwner = f.at(2);
            state.dirGroup = f.at(3);
        } else if (tag == u"NOW" && f.size() >= 2) {
            state.nodeTime = QDateTime::fromSecsSinceEpoch(f.at(1).toLongLong(), Qt::UTC);
        } else if (tag == u"LINK" && f.size() >= 2 && isKeyIndexText(f.at(1))) {
            state.unsafe << Tr::tr("Key file %1 on %2 is a symbolic link; Turnstile changes no "
                                   "key in this repository until it is a regular file.")
                                .arg(f.at(1), node);
        } else if (tag == u"UNSAFE" && f.value(1) == u"dir") {
            state.unsafe << Tr::tr("The repository %1 on %2 is a symbolic link or resolves "
                                   "through one; Turnstile changes it only under its real path.")
                                .arg(state.location.path, node);
        } else if (tag == u"UNSAFE" && f.size() >= 3) {
            const QString entry = f.at(2) == u"-" ? QStringLiteral(".turnstile…") : f.at(2);
            state.unsafe << (f.at(1) == u"link"
                                 ? Tr::tr("%1/%2 on %3 is a symbolic link; remove it before "
                                          "Turnstile changes this repository.")
                                 : Tr::tr("%1/%2 on %3 is neither a regular file nor a directory; "
                                          "remove it before Turnstile changes this repository."))
                                .arg(state.location.path, entry, node);
        } else if (tag == u"KEY" && f.size() >= 8) {
            // Only what the listing script can print: anything else means
            // the node's tools say something else, and what it says must
            // never reach a script for another node.
            const QString fp = f.at(7);
            if (!isKeyIndexText(f.at(1)) || (fp != u"-" && !isKeyFingerprint(fp))) {
                state.error = NodeError::Failed;
                state.errorMessage = Tr::tr("%1: the listing of %2 holds a line that is not a key "
                                            "index and a fingerprint of 16 hex digits; Turnstile "
                                            "does not trust it.")
                                         .arg(node, state.location.path);
                state.keys.clear();
                return;
            }
            KeyFile k;
            k.index = f.at(1).toInt();
            k.modified = QDateTime::fromSecsSinceEpoch(f.at(2).toLongLong(), Qt::UTC);
            k.mode = f.at(3).toInt(nullptr, 8);
            k.owner = f.at(4);
            k.group = f.at(5);
            k.size = f.at(6).toLongLong();
            k.fingerprint = fp == u"-" ? QString() : fp;
            state.keys.insert(k.index, k);
        } else if (tag == u"END") {
            sawEnd = true;
        }
    }
    if (!sawEnd) {
        state.error = NodeError::Failed;
        state.errorMessage =
            Tr::tr("%1: the listing of %2 was cut short.").arg(node, state.location.path);
        return;
    }
    // Checks that make a node wrong even when its keys agree with the others.
    state.problems += state.unsafe;
    if (state.keys.isEmpty()) {
        state.problems << Tr::tr("The repository is empty: Keystone on %1 can neither issue nor "
                                 "validate tokens.")
                              .arg(node);
        return;
    }
    if (!state.hasStaged())
        state.problems
            << Tr::tr("No staged key 0 on %1: the next rotation has nothing to promote.").arg(node);
    if (state.primary() < 0)
        state.problems << Tr::tr("No primary key on %1 (only the staged key 0).").arg(node);
    if ((state.dirMode & 077) != 0)
        state.problems << Tr::tr("The repository directory on %1 has mode %2; it should be 0700.")
                              .arg(node, modeText(state.dirMode));
    for (const KeyFile &k : std::as_const(state.keys)) {
        QStringList mine;
        if (k.fingerprint.isEmpty())
            mine << Tr::tr("Key %1 on %2 is not readable by the ssh user.").arg(k.index).arg(node);
        if ((k.mode & 077) != 0)
            mine << Tr::tr("Key %1 on %2 has mode %3; it must be 0600 (readable by its "
                           "owner only).")
                        .arg(k.index)
                        .arg(node, modeText(k.mode));
        if (k.owner != state.dirOwner || k.group != state.dirGroup)
            mine << Tr::tr("Key %1 on %2 belongs to %3:%4, the repository to %5:%6.")
                        .arg(k.index)
                        .arg(node, k.owner, k.group, state.dirOwner, state.dirGroup);
        if (k.size != 44)
            mine << Tr::tr("Key %1 on %2 has %3 bytes; a Fernet key has 44.")
                        .arg(k.index)
                        .arg(node)
                        .arg(k.size);
        if (!mine.isEmpty()) {
            state.problems += mine;
            state.keyProblems.insert(k.index, mine);
        }
    }
}

QList<RepositoryState> readRepositories(const QList<KeyLocation> &locations,
                                        RepositoryState::Kind kind, const SshOptions &ssh,
                                        const NodeCancel &cancelled)
{
    // All nodes at once: the slowest node, not the sum, sets the time.
    std::vector<std::unique_ptr<QProcess>> procs;
    QList<RepositoryState> states;
    for (const KeyLocation &loc : locations) {
        RepositoryState st;
        st.location = loc;
        st.kind = kind;
        states.append(st);
        const NodeShell shell(loc, ssh);
        auto p = std::make_unique<QProcess>();
        p->setProgram(shell.program());
        p->setArguments(shell.arguments());
        NodeShell::ownSession(*p);
        p->start();
        if (p->waitForStarted(10000)) {
            p->write(repositoryListingScript(loc.path));
            p->closeWriteChannel();
        }
        procs.push_back(std::move(p));
    }
    const QDeadlineTimer deadline(ssh.connectTimeoutSeconds * 1000 + 30000);
    for (int i = 0; i < states.size(); ++i) {
        QProcess &p = *procs[size_t(i)];
        RepositoryState &st = states[i];
        if (p.state() == QProcess::NotRunning && p.error() == QProcess::FailedToStart) {
            st.error = NodeError::Ssh;
            st.errorMessage = Tr::tr("%1: could not start %2 (%3).")
                                  .arg(st.location.sshDestination(), p.program(), p.errorString());
            continue;
        }
        const NodeOutput o = NodeShell::collect(p, st.location, deadline, cancelled);
        if (o.error != NodeError::None) {
            st.error = o.error;
            st.errorMessage = o.message;
            continue;
        }
        parseRepositoryListing(o.out, st);
    }
    return states;
}

} // namespace turnstile
