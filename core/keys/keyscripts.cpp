#include "keys/keyscripts.h"

#include "keys/keylocation.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace turnstile {

namespace {
// Opens the repository: refuses a repository that is a symbolic link or
// resolves through one (pwd -P names the directory the shell really entered,
// so a link swapped in before the cd is caught too). Expects d= to be set;
// leaves the shell in the repository.
const char *const kOpen = R"SH(umask 077
refuse() { echo "$*" >&2; exit 10; }
if [ -L "$d" ]; then refuse "$d is a symbolic link; Turnstile changes only a real directory (name the directory it points to)"; fi
if [ ! -d "$d" ]; then refuse "$d is not a directory"; fi
cd "$d"
if [ "$(pwd -P)" != "$d" ]; then refuse "$d resolves to $(pwd -P) through a symbolic link; name the real directory"; fi
)SH";

// Refuses any key file or .turnstile* entry that is a symbolic link or not
// a regular file (or, for .turnstile*, a directory).
const char *const kEntries = R"SH(for e in * .turnstile*; do
  if [ ! -e "$e" ] && [ ! -L "$e" ]; then continue; fi
  case $e in
  .turnstile*)
    if [ -L "$e" ]; then refuse "$d/$e is a symbolic link; remove it before Turnstile changes this repository"; fi
    if [ ! -f "$e" ] && [ ! -d "$e" ]; then refuse "$d/$e is neither a regular file nor a directory; remove it before Turnstile changes this repository"; fi ;;
  *[!0-9]*) ;;
  *)
    if [ -L "$e" ]; then refuse "the key file $d/$e is a symbolic link; Turnstile changes only regular key files"; fi
    if [ ! -f "$e" ]; then refuse "the key file $d/$e is not a regular file"; fi ;;
  esac
done
)SH";

// Locks the repository directory itself (nothing is created in it: a lock
// file would be opened through whatever link the repository's owner put
// there). Taken before the entry checks, so that a refusal says no other
// Turnstile run is changing the repository at the same time.
// flock(1) is util-linux, present on every Keystone node we know of;
// without it the script runs unlocked.
const char *const kLock = R"SH(exec 9<.
if command -v flock >/dev/null 2>&1; then
  flock -w 30 9 || { echo "another Turnstile run holds the lock on $d" >&2; exit 4; }
fi
)SH";

// Makes the private directory $S of the running user and a run directory
// $T in it, removed on exit, and removes the key copies older versions kept
// in the repository.
const char *const kPrivate =
    R"SH(if [ -n "${HOME:-}" ] && [ "$HOME" != / ] && [ -d "$HOME" ]; then S=$HOME/.local/state/turnstile
else S=${TMPDIR:-/tmp}/turnstile-state-$(id -u); fi
mkdir -p "$S"
if [ -L "$S" ] || [ ! -d "$S" ] || [ "$(stat -c %u "$S")" != "$(id -u)" ]; then
  refuse "$S is not a private directory of $(id -un); Turnstile keeps its temporary files there"
fi
chmod 700 "$S"
find "$S" -maxdepth 1 -name 'run.*' -mmin +1440 -exec rm -rf -- {} + 2>/dev/null || true
T=$(mktemp -d "$S/run.XXXXXX")
trap 'rm -rf -- "$T"' EXIT
trap 'exit 130' INT TERM HUP
rm -rf -- .turnstile-backup .turnstile-incoming .turnstile-tmp.*
)SH";

const char *const kFingerprint = R"SH(fp() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum <"$1" | cut -c1-16
  else openssl dgst -sha256 -r <"$1" | cut -c1-16; fi
}
)SH";

QString header(const QString &path)
{
    return QStringLiteral("{\nset -eu\nd=%1\n").arg(shellQuote(path));
}
} // namespace

bool isKeyFingerprint(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[0-9a-f]{16}$"));
    return re.match(text).hasMatch();
}

bool isKeyIndexText(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[0-9]{1,9}$"));
    return re.match(text).hasMatch();
}

bool isAccountName(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9._-]{0,31}$"));
    return re.match(text).hasMatch();
}

QByteArray rotateScript(const QString &path, int maxActiveKeys, int expectedPrimary)
{
    // One .arg() with every value: a chained .arg() would read a "%1" in
    // the path as the next placeholder.
    QString s = QStringLiteral("{\nset -eu\nd=%1\nM=%2\nE=%3\n")
                    .arg(shellQuote(path), QString::number(maxActiveKeys),
                         QString::number(std::max(0, expectedPrimary)));
    s += QLatin1String(kOpen);
    s += QLatin1String(kLock);
    s += QLatin1String(kEntries);
    s += QLatin1String(kPrivate);
    s += QStringLiteral(R"SH(is_key() {
  n=$(wc -c <"$1")
  if [ "$n" -ne 44 ] && [ "$n" -ne 45 ]; then return 1; fi
  [ -z "$(tr -d 'A-Za-z0-9_=\n-' <"$1")" ]
}
[ -f 0 ] || { echo "$d has no staged key 0; nothing to promote" >&2; exit 5; }
max=$(ls -1 | grep -E '^[0-9]+$' | sort -n | tail -n 1)
if [ "$max" != "$E" ]; then
  echo "the highest key in $d is $max, not $E as when Turnstile read it; nothing was changed" >&2; exit 9
fi
new=$((max + 1))
cp -P -p -- 0 "$T/p"
if [ -L "$T/p" ] || [ ! -f "$T/p" ]; then refuse "the key file $d/0 is not a regular file"; fi
is_key "$T/p" || refuse "the staged key $d/0 is not a Fernet key (44 characters of urlsafe base64); Turnstile does not promote it"
head -c 32 /dev/urandom | base64 | tr -d '\n' | tr '+/' '-_' >"$T/s"
[ "$(wc -c <"$T/s")" -eq 44 ] || { echo "could not make a new key" >&2; exit 6; }
chmod 600 "$T/p" "$T/s"
chown -h --reference=. "$T/p" "$T/s"
sync "$T/p" "$T/s"
mv -fT "$T/p" "$new"
mv -fT "$T/s" 0
n=0
for k in $(ls -1 | grep -E '^[0-9]+$' | grep -v '^0$' | sort -rn); do
  n=$((n + 1))
  if [ "$n" -ge "$M" ]; then rm -f -- "$k"; fi
done
sync .
echo "ROTATED $new"
}
)SH");
    return s.toUtf8();
}

QByteArray sendScript(const QString &path)
{
    QString s = header(path);
    s += QLatin1String(kOpen);
    s += QLatin1String(kEntries);
    s += QStringLiteral("keys=$(ls -1 | grep -E '^[0-9]+$' | sort -n)\ntar -cf - -- $keys\n}\n");
    return s.toUtf8();
}

QString receiveScript(const QString &path, const QMap<int, QString> &fingerprints, QString *error)
{
    // The fingerprints come from another node's output: only what a listing
    // can honestly print goes into a script, and quoted even then.
    QStringList expected;
    for (auto it = fingerprints.cbegin(); it != fingerprints.cend(); ++it) {
        if (it.key() < 0 || !isKeyFingerprint(it.value())) {
            if (error)
                *error = QStringLiteral("key %1: \"%2\" is not a fingerprint (16 hex digits)")
                             .arg(it.key())
                             .arg(it.value().left(40));
            return {};
        }
        expected << QStringLiteral("%1:%2").arg(QString::number(it.key()), it.value());
    }
    QString s = header(path) + QStringLiteral("exp=%1\n").arg(shellQuote(expected.join(u' ')));
    s += QLatin1String(kOpen);
    s += QLatin1String(kLock);
    s += QLatin1String(kEntries);
    s += QLatin1String(kPrivate);
    s += QLatin1String(kFingerprint);
    s += QStringLiteral(R"SH(mkdir "$T/in"
cat >"$T/in.tar"
tar -tf "$T/in.tar" >"$T/names"
tar -tvf "$T/in.tar" >"$T/list"
while IFS= read -r n; do
  case $n in
  ''|*[!0-9]*) refuse "the key stream holds \"$n\", which is not a key file name; nothing was changed" ;;
  esac
done <"$T/names"
while read -r m rest; do
  case $m in
  -*) ;;
  *) refuse "the key stream holds a member that is not a regular file ($m $rest); nothing was changed" ;;
  esac
done <"$T/list"
if [ "$(wc -l <"$T/names")" -ne "$(wc -l <"$T/list")" ]; then refuse "the key stream could not be checked; nothing was changed"; fi
tar -xf "$T/in.tar" -C "$T/in" --no-same-owner --no-same-permissions
inc=
low=
for e in $exp; do
  k=${e%%:*}; h=${e#*:}
  f=$T/in/$k
  if [ -L "$f" ] || [ ! -f "$f" ]; then echo "key $k did not arrive" >&2; exit 7; fi
  [ "$(fp "$f")" = "$h" ] || { echo "key $k arrived with another fingerprint" >&2; exit 8; }
  chmod 600 "$f"
  chown -h --reference=. "$f"
  sync "$f"
  inc="$inc $k"
  if [ "$k" -ne 0 ]; then
    if [ -z "$low" ] || [ "$k" -lt "$low" ]; then low=$k; fi
  fi
done
b=
for k in $(ls -1 | grep -E '^[0-9]+$' || true); do
  if [ -n "$low" ] && [ "$k" -ne 0 ] && [ "$k" -lt "$low" ]; then continue; fi
  h=
  for e in $exp; do
    if [ "${e%%:*}" = "$k" ]; then h=${e#*:}; fi
  done
  if [ -n "$h" ] && [ "$(fp "$k")" = "$h" ]; then continue; fi
  if [ -z "$b" ]; then
    r=$S/backup-$(printf %s "$d" | cksum | cut -d' ' -f1)
    mkdir -p "$r"
    printf '%s\n' "$d" >"$r/repository"
    b=$r/$(date -u +%Y%m%dT%H%M%SZ).$$
    mkdir "$b"
  fi
  cp -P -p -- "$k" "$b/$k"
done
if [ -n "$b" ]; then
  sync "$b" 2>/dev/null || sync
  ls -1d "$r"/2* | sort -r | tail -n +4 | while read -r old; do rm -rf -- "$old"; done
fi
for k in $(printf '%s\n' $inc | sort -rn); do mv -fT "$T/in/$k" "$k"; done
for k in $(ls -1 | grep -E '^[0-9]+$' || true); do
  case " $inc " in *" $k "*) ;; *) rm -f -- "$k" ;; esac
done
sync .
echo RECEIVED
}
)SH");
    return s;
}

QByteArray pushScript(const QString &sourcePath, const QString &peerCommand)
{
    QString s = header(sourcePath);
    s += QLatin1String(kOpen);
    s += QLatin1String(kEntries);
    s += QStringLiteral("keys=$(ls -1 | grep -E '^[0-9]+$' | sort -n)\ntar -cf - -- $keys | ") +
         peerCommand + QStringLiteral("\n}\n");
    return s.toUtf8();
}

QString encodedShellCommand(const QString &script)
{
    return QStringLiteral("sh -c \"$(printf %s %1 | base64 -d)\"")
        .arg(QString::fromLatin1(script.toUtf8().toBase64()));
}

QString asUserCommand(const QString &user, const QString &command)
{
    if (!isAccountName(user))
        return {};
    return QStringLiteral("if [ \"$(id -u)\" = 0 ] && command -v runuser >/dev/null 2>&1; then "
                          "exec runuser -u %1 -- %2; else exec sudo -n -u %1 -- %2; fi")
        .arg(user, command);
}

} // namespace turnstile
