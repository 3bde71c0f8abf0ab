#pragma once

#include <QStringList>
#include <QTextStream>

namespace turnstile {

class Cli;
struct ComplianceReport;
enum class ComplianceList;

// `turnstilectl users locked|inactive|expiring|unlock`: the compliance lists
// of a profile and the guarded unlock.
class UserCommands
{
public:
    UserCommands(Cli &cli, QTextStream &out, QTextStream &err);
    int run(const QStringList &args);

private:
    int lists(const QStringList &args, const QString &which);
    int unlock(const QStringList &args);
    void printReport(const ComplianceReport &report, const QList<ComplianceList> &lists);

    Cli &m_cli;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
