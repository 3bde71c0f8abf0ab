#include "profiles/openrc.h"

#include "profiles/cloudsyaml.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <optional>

namespace turnstile {

namespace {

// lupdate resolves Tr::tr() through this declaration to the "Openrc"
// context; a free Tr::tr() wrapper would leave the strings context-less.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Openrc)
};

bool isNameStart(QChar c)
{
    return c == u'_' || (c.unicode() < 128 && c.isLetter());
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c.unicode() < 128 && c.isDigit());
}

bool isName(const QString &s)
{
    return !s.isEmpty() && isNameStart(s.front()) && std::all_of(s.begin(), s.end(), isNameChar);
}

// One shell word after quote removal and expansion.
struct Word
{
    QString text;
    // Length of the unquoted "NAME=" prefix, when the word is an assignment.
    qsizetype assignLength = -1;
    // A variable the word expands that is not known without running the file.
    QString unknownVariable;
};

struct Command
{
    int line = 0;
    QList<Word> words;
    bool needsShell = false; // command substitution, pipes, redirection, ...
};

// A reader for the subset of POSIX sh that openrc files use. It never
// executes anything: expansions only see variables assigned earlier in the
// file (or inherited ones), which is what `source openrc` would see too.
class ShellReader
{
public:
    ShellReader(const QString &text, const QString &source, const QProcessEnvironment &inherited)
        : m_text(text), m_source(source), m_inherited(inherited)
    {}

    OpenrcFile run()
    {
        while (m_pos < m_text.size()) {
            const std::optional<Command> cmd = readCommand();
            if (cmd)
                execute(*cmd);
        }
        return m_out;
    }

private:
    QChar peek(qsizetype ahead = 0) const
    {
        return m_pos + ahead < m_text.size() ? m_text.at(m_pos + ahead) : QChar();
    }

    QChar take()
    {
        const QChar c = m_text.at(m_pos++);
        if (c == u'\n')
            ++m_line;
        return c;
    }

    bool atEnd() const { return m_pos >= m_text.size(); }

    void warn(int line, const QString &msg)
    {
        m_out.warnings.append(Tr::tr("%1 line %2: %3").arg(m_source).arg(line).arg(msg));
    }

    std::optional<QString> variable(const QString &name) const
    {
        if (m_out.environment.contains(name))
            return m_out.environment.value(name);
        if (m_inherited.contains(name))
            return m_inherited.value(name);
        return std::nullopt;
    }

    // Skips a $( ... ) or `...` the reader will not run, so that the rest of
    // the file is still read correctly.
    void skipSubstitution(QChar close)
    {
        int depth = 1;
        while (!atEnd() && depth > 0) {
            const QChar c = take();
            if (c == u'\\' && !atEnd()) {
                take();
            } else if (c == u'\'' && close != u'`') {
                while (!atEnd() && take() != u'\'') {
                }
            } else if (close == u')' && c == u'(') {
                ++depth;
            } else if (c == close) {
                --depth;
            }
        }
    }

    // After '$': appends the expansion to `word`.
    void expand(Word &word, Command &cmd)
    {
        const QChar c = peek();
        if (c == u'(') {
            take();
            skipSubstitution(u')');
            cmd.needsShell = true;
            return;
        }
        QString name;
        if (c == u'{') {
            take();
            while (!atEnd() && peek() != u'}' && peek() != u'\n')
                name += take();
            if (peek() == u'}')
                take();
            if (!isName(name)) { // ${VAR:-default}, ${#VAR}, ...
                cmd.needsShell = true;
                return;
            }
        } else if (isNameStart(c)) {
            while (!atEnd() && isNameChar(peek()))
                name += take();
        } else if (c.isDigit() || c == u'?' || c == u'$' || c == u'!' || c == u'#' || c == u'@' ||
                   c == u'*' || c == u'-') {
            take(); // positional and special parameters only exist at run time
            cmd.needsShell = true;
            return;
        } else {
            word.text += u'$'; // a lone '$' is literal
            return;
        }
        if (const auto v = variable(name))
            word.text += *v;
        else if (word.unknownVariable.isEmpty())
            word.unknownVariable = name;
    }

    // Reads one command: words up to an unquoted newline or ';'. Returns
    // nullopt for a blank or comment-only line.
    std::optional<Command> readCommand()
    {
        Command cmd;
        // Leading blanks and comments
        while (!atEnd()) {
            const QChar c = peek();
            if (c == u' ' || c == u'\t' || c == u'\r') {
                take();
            } else if (c == u'\\' && peek(1) == u'\n') {
                take();
                take();
            } else {
                break;
            }
        }
        cmd.line = m_line;
        while (!atEnd()) {
            const QChar c = peek();
            if (c == u'\n' || c == u';') {
                take();
                break;
            }
            if (c == u' ' || c == u'\t' || c == u'\r') {
                take();
                continue;
            }
            if (c == u'#') { // a comment runs to the end of the line
                while (!atEnd() && peek() != u'\n')
                    take();
                continue;
            }
            if (c == u'\\' && peek(1) == u'\n') {
                take();
                take();
                continue;
            }
            if (!readWord(cmd))
                break;
        }
        if (cmd.words.isEmpty() && !cmd.needsShell)
            return std::nullopt;
        return cmd;
    }

    // Reads one word into cmd.words. Returns false when the command ended
    // inside it (unterminated quote).
    bool readWord(Command &cmd)
    {
        Word w;
        bool literalSoFar = true; // only unquoted plain characters so far
        while (!atEnd()) {
            const QChar c = peek();
            if (c == u' ' || c == u'\t' || c == u'\r' || c == u'\n' || c == u';')
                break;
            if (c == u'|' || c == u'&' || c == u'<' || c == u'>' || c == u'(' || c == u')') {
                take();
                cmd.needsShell = true;
                literalSoFar = false;
                continue;
            }
            take();
            if (c == u'\\') {
                if (atEnd())
                    break;
                const QChar n = take();
                if (n != u'\n')
                    w.text += n;
                literalSoFar = false;
            } else if (c == u'\'') {
                literalSoFar = false;
                bool closed = false;
                while (!atEnd()) {
                    const QChar q = take();
                    if (q == u'\'') {
                        closed = true;
                        break;
                    }
                    w.text += q;
                }
                if (!closed)
                    return unterminated(cmd);
            } else if (c == u'"') {
                literalSoFar = false;
                bool closed = false;
                while (!atEnd()) {
                    const QChar q = take();
                    if (q == u'"') {
                        closed = true;
                        break;
                    }
                    if (q == u'\\' && !atEnd()) {
                        const QChar n = peek();
                        if (n == u'$' || n == u'`' || n == u'"' || n == u'\\') {
                            w.text += take();
                            continue;
                        }
                        if (n == u'\n') {
                            take();
                            continue;
                        }
                        w.text += q;
                    } else if (q == u'$') {
                        expand(w, cmd);
                    } else if (q == u'`') {
                        skipSubstitution(u'`');
                        cmd.needsShell = true;
                    } else {
                        w.text += q;
                    }
                }
                if (!closed)
                    return unterminated(cmd);
            } else if (c == u'$') {
                literalSoFar = false;
                expand(w, cmd);
            } else if (c == u'`') {
                literalSoFar = false;
                skipSubstitution(u'`');
                cmd.needsShell = true;
            } else {
                if (c == u'=' && literalSoFar && w.assignLength < 0 && isName(w.text))
                    w.assignLength = w.text.size() + 1;
                w.text += c;
            }
        }
        cmd.words.append(w);
        return true;
    }

    bool unterminated(Command &cmd)
    {
        warn(
            cmd.line,
            Tr::tr(
                "a quoted value is not closed before the end of the file; the rest of the file was "
                "ignored."));
        cmd.words.clear();
        cmd.needsShell = false;
        return false;
    }

    // Shell blocks whose effect depends on running the file. Their commands
    // are skipped: Horizon's `if [ -z "$X" ]; then unset X; fi` must not
    // unset X unconditionally. Reserved words only count at the start of a
    // command (possibly after other reserved words, as in "then if ...").
    bool trackBlocks(const Command &cmd)
    {
        static const QStringList openers{QStringLiteral("if"),    QStringLiteral("case"),
                                         QStringLiteral("for"),   QStringLiteral("select"),
                                         QStringLiteral("while"), QStringLiteral("until"),
                                         QStringLiteral("{"),     QStringLiteral("function")};
        static const QStringList closers{QStringLiteral("fi"), QStringLiteral("esac"),
                                         QStringLiteral("done"), QStringLiteral("}")};
        static const QStringList others{QStringLiteral("then"), QStringLiteral("else"),
                                        QStringLiteral("elif"), QStringLiteral("do"),
                                        QStringLiteral("in"),   QStringLiteral("!")};
        const QString first = cmd.words.value(0).text;
        const int before = m_blockDepth;
        qsizetype i = 0;
        for (; i < cmd.words.size(); ++i) {
            const Word &w = cmd.words.at(i);
            if (w.assignLength >= 0)
                break;
            if (openers.contains(w.text))
                ++m_blockDepth;
            else if (closers.contains(w.text))
                m_blockDepth = std::max(0, m_blockDepth - 1);
            else if (!others.contains(w.text))
                break;
        }
        // "name() {" - a function definition (its parentheses made the
        // command look like it needs the shell, which it does).
        if (i < cmd.words.size() && cmd.words.size() > 1 && cmd.words.constLast().text == u"{")
            ++m_blockDepth;
        if (before == 0 && m_blockDepth > 0)
            warn(cmd.line, Tr::tr("a shell \"%1\" block is not evaluated; ignored.").arg(first));
        return before > 0 || m_blockDepth > 0 || closers.contains(first);
    }

    void assign(const Command &cmd, const Word &w)
    {
        const QString name = w.text.left(w.assignLength - 1);
        if (!w.unknownVariable.isEmpty()) {
            warn(cmd.line,
                 Tr::tr("%1 is set from $%2, which is only known when the file runs; ignored.")
                     .arg(name, w.unknownVariable));
            return;
        }
        m_out.environment.insert(name, w.text.mid(w.assignLength));
    }

    void execute(const Command &cmd)
    {
        if (trackBlocks(cmd))
            return;
        const QString first = cmd.words.value(0).text;
        if (cmd.needsShell) {
            const Word *target = nullptr;
            for (const Word &w : cmd.words) {
                if (w.assignLength > 0) {
                    target = &w;
                    break;
                }
            }
            if (target)
                warn(cmd.line, Tr::tr("the value of %1 needs the shell to compute (command "
                                      "substitution, pipes or "
                                      "redirection); ignored.")
                                   .arg(target->text.left(target->assignLength - 1)));
            else
                warn(cmd.line,
                     Tr::tr("\"%1\" is a shell command that Turnstile does not run; ignored.")
                         .arg(first));
            return;
        }
        if (first == u"export" || first == u"declare" || first == u"typeset" ||
            first == u"readonly") {
            for (qsizetype i = 1; i < cmd.words.size(); ++i) {
                const Word &w = cmd.words.at(i);
                if (w.assignLength > 0)
                    assign(cmd, w);
                // "export NAME" and options like -x change nothing we read.
            }
            return;
        }
        if (first == u"unset") {
            for (qsizetype i = 1; i < cmd.words.size(); ++i) {
                if (isName(cmd.words.at(i).text))
                    m_out.environment.remove(cmd.words.at(i).text);
            }
            return;
        }
        const bool allAssignments = std::all_of(cmd.words.begin(), cmd.words.end(),
                                                [](const Word &w) { return w.assignLength > 0; });
        if (allAssignments) {
            for (const Word &w : cmd.words)
                assign(cmd, w);
            return;
        }
        // "VAR=x command" sets VAR for that command only; report the command.
        for (const Word &w : cmd.words) {
            if (w.assignLength < 0) {
                warn(cmd.line,
                     Tr::tr("\"%1\" is a shell command that Turnstile does not run; ignored.")
                         .arg(w.text));
                return;
            }
        }
    }

    QString m_text;
    QString m_source;
    QProcessEnvironment m_inherited;
    qsizetype m_pos = 0;
    int m_line = 1;
    int m_blockDepth = 0;
    OpenrcFile m_out;
};

} // namespace

OpenrcFile parseOpenrc(const QByteArray &text, const QString &sourceName,
                       const QProcessEnvironment &inherited)
{
    QString s = QString::fromUtf8(text);
    if (s.startsWith(QChar(0xfeff)))
        s.remove(0, 1);
    return ShellReader(s, sourceName, inherited).run();
}

OpenrcFile parseOpenrcFile(const QString &path, QString *error,
                           const QProcessEnvironment &inherited)
{
    auto fail = [&](const QString &msg) {
        if (error)
            *error = msg;
        return OpenrcFile{};
    };
    const QFileInfo fi(path);
    if (!fi.exists())
        return fail(Tr::tr("%1 does not exist.").arg(path));
    if (fi.isDir())
        return fail(Tr::tr("%1 is a directory, not an openrc file.").arg(path));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(Tr::tr("%1 cannot be read: %2.").arg(path, f.errorString()));
    // openrc files are a few lines; anything large is the wrong file.
    constexpr qint64 kMaxSize = 1024 * 1024;
    if (f.size() > kMaxSize)
        return fail(Tr::tr("%1 is too large to be an openrc file.").arg(path));
    const QByteArray data = f.read(kMaxSize + 1);
    if (data.contains('\0'))
        return fail(Tr::tr("%1 is not a text file.").arg(path));
    if (error)
        error->clear();
    return parseOpenrc(data, path, inherited);
}

ImportedCloud fromEnvironment(const QProcessEnvironment &env, QString *error)
{
    // The OS_* variables openstacksdk reads (its _get_os_environ lower-cases
    // the name after "OS_"); the same rules as clouds.yaml then apply.
    static const char *const kNames[] = {
        "OS_AUTH_URL",
        "OS_AUTH_TYPE",
        "OS_AUTH_PLUGIN",
        "OS_USERNAME",
        "OS_USER_ID",
        "OS_PASSWORD",
        "OS_PROJECT_NAME",
        "OS_PROJECT_ID",
        "OS_TENANT_NAME",
        "OS_TENANT_ID",
        "OS_USER_DOMAIN_NAME",
        "OS_USER_DOMAIN_ID",
        "OS_PROJECT_DOMAIN_NAME",
        "OS_PROJECT_DOMAIN_ID",
        "OS_DOMAIN_NAME",
        "OS_DOMAIN_ID",
        "OS_SYSTEM_SCOPE",
        "OS_REGION_NAME",
        "OS_INTERFACE",
        "OS_ENDPOINT_TYPE",
        "OS_CACERT",
        "OS_CERT",
        "OS_KEY",
        "OS_INSECURE",
        "OS_APPLICATION_CREDENTIAL_ID",
        "OS_APPLICATION_CREDENTIAL_NAME",
        "OS_APPLICATION_CREDENTIAL_SECRET",
        "OS_TOKEN",
        "OS_AUTH_TOKEN",
        "OS_API_TIMEOUT",
    };
    QVariantMap config;
    for (const char *name : kNames) {
        const QString var = QString::fromLatin1(name);
        const QString value = env.value(var);
        if (!value.isEmpty())
            config.insert(var.mid(3).toLower(), value);
    }
    // openstacksdk's get_boolean(): only "true" (any case) means insecure.
    // Being stricter than YAML here is deliberate - OS_INSECURE=1 keeps TLS
    // verification on, exactly as with the openstack CLI.
    if (config.contains(QStringLiteral("insecure")))
        config.insert(QStringLiteral("insecure"),
                      config.value(QStringLiteral("insecure"))
                                  .toString()
                                  .trimmed()
                                  .compare(u"true", Qt::CaseInsensitive) == 0
                          ? QStringLiteral("true")
                          : QStringLiteral("false"));
    // A comma in OS_REGION_NAME is not a region list in the environment.
    if (config.contains(QStringLiteral("region_name")))
        config.insert(QStringLiteral("regions"),
                      QVariantList{config.value(QStringLiteral("region_name"))});

    if (!config.contains(QStringLiteral("auth_url"))) {
        if (error)
            *error = Tr::tr(
                "OS_AUTH_URL is not set, so there is no cloud to import from the environment.");
        return {};
    }
    const QString name = QStringLiteral("envvars");
    QString problem;
    const QList<ImportedCloud> clouds = CloudsYaml::profilesFromConfig(
        name, config, Tr::tr("the OS_* environment variables"), &problem);
    if (clouds.isEmpty()) {
        if (error)
            *error = problem;
        return {};
    }
    if (error)
        error->clear();
    return clouds.constFirst();
}

} // namespace turnstile
