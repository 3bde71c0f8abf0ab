#include "keys/keyscripts.h"

#include "keys/keylocation.h"

#include <QStringList>

namespace turnstile {

namespace {
const char *const kFingerprint = R"SH(fp() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum <"$1" | cut -c1-16
  else openssl dgst -sha256 -r <"$1" | cut -c1-16; fi
}
)SH";

// Takes the repository lock; flock(1) is util-linux, present on every
// Keystone node we know of; without it the script runs unlocked.
const char *const kLock = R"SH(exec 9>>.turnstile.lock
if command -v flock >/dev/null 2>&1; then
  flock -w 30 9 || { echo "another Turnstile run holds $d/.turnstile.lock" >&2; exit 4; }
fi
)SH";

const char *const kBackup = R"SH(backup() {
  b=.turnstile-backup/$(date -u +%Y%m%dT%H%M%SZ).$$
  mkdir -p "$b"
  for k in $(ls -1 | grep -E '^[0-9]+$' || true); do cp -p "$k" "$b/$k"; done
  sync "$b" 2>/dev/null || sync
  ls -1d .turnstile-backup/* | sort -r | tail -n +4 | while read -r old; do rm -rf "$old"; done
}
)SH";
} // namespace

QByteArray rotateScript(const QString &path, int maxActiveKeys)
{
    QString s = QStringLiteral("{\nset -eu\nd=%1\nM=%2\numask 077\ncd \"$d\"\n")
                    .arg(shellQuote(path))
                    .arg(maxActiveKeys);
    s += QLatin1String(kLock);
    s += QLatin1String(kBackup);
    s += QStringLiteral(R"SH(rm -f .turnstile-tmp.*
keys=$(ls -1 | grep -E '^[0-9]+$' | sort -n || true)
[ -f 0 ] || { echo "$d has no staged key 0; nothing to promote" >&2; exit 5; }
max=$(printf '%s\n' $keys | tail -n 1)
new=$((max + 1))
cp -p 0 .turnstile-tmp.p
head -c 32 /dev/urandom | base64 | tr -d '\n' | tr '+/' '-_' >.turnstile-tmp.s
[ "$(wc -c <.turnstile-tmp.s)" -eq 44 ] || { echo "could not make a new key" >&2; exit 6; }
chmod 600 .turnstile-tmp.p .turnstile-tmp.s
chown --reference=. .turnstile-tmp.p .turnstile-tmp.s
sync .turnstile-tmp.p .turnstile-tmp.s
backup
mv -f .turnstile-tmp.p "$new"
mv -f .turnstile-tmp.s 0
n=0
for k in $(printf '%s\n' $keys $new | grep -v '^0$' | sort -rn); do
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
    return QStringLiteral("{\nset -eu\ncd %1\nkeys=$(ls -1 | grep -E '^[0-9]+$' | sort -n)\n"
                          "tar -cf - -- $keys\n}\n")
        .arg(shellQuote(path))
        .toUtf8();
}

QString receiveScript(const QString &path, const QMap<int, QString> &fingerprints)
{
    QStringList expected;
    for (auto it = fingerprints.cbegin(); it != fingerprints.cend(); ++it)
        expected << QStringLiteral("%1:%2").arg(it.key()).arg(it.value());
    QString s = QStringLiteral("{\nset -eu\nd=%1\nexp='%2'\numask 077\ncd \"$d\"\n")
                    .arg(shellQuote(path), expected.join(u' '));
    s += QLatin1String(kLock);
    s += QLatin1String(kFingerprint);
    s += QLatin1String(kBackup);
    s += QStringLiteral(R"SH(rm -rf .turnstile-incoming
mkdir .turnstile-incoming
tar -xf - -C .turnstile-incoming
inc=
for e in $exp; do
  k=${e%%:*}; h=${e#*:}
  f=.turnstile-incoming/$k
  [ -f "$f" ] || { echo "key $k did not arrive" >&2; exit 7; }
  [ "$(fp "$f")" = "$h" ] || { echo "key $k arrived with another fingerprint" >&2; exit 8; }
  chmod 600 "$f"
  chown --reference=. "$f"
  sync "$f"
  inc="$inc $k"
done
backup
for k in $(printf '%s\n' $inc | sort -rn); do mv -f ".turnstile-incoming/$k" "$k"; done
for k in $(ls -1 | grep -E '^[0-9]+$' || true); do
  case " $inc " in *" $k "*) ;; *) rm -f -- "$k" ;; esac
done
sync .
rm -rf .turnstile-incoming
echo RECEIVED
}
)SH");
    return s;
}

QByteArray pushScript(const QString &sourcePath, const QString &peerCommand)
{
    return QStringLiteral("{\nset -eu\ncd %1\nkeys=$(ls -1 | grep -E '^[0-9]+$' | sort -n)\n"
                          "tar -cf - -- $keys | %2\n}\n")
        .arg(shellQuote(sourcePath), peerCommand)
        .toUtf8();
}

QString encodedShellCommand(const QString &script)
{
    return QStringLiteral("sh -c \"$(printf %s %1 | base64 -d)\"")
        .arg(QString::fromLatin1(script.toUtf8().toBase64()));
}

} // namespace turnstile
