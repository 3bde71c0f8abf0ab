#pragma once

#include <QStringList>
#include <QTextStream>

namespace turnstile {

class CliContext;
struct ComplianceReport;
enum class ComplianceList;

// `turnstilectl users locked|inactive|expiring|unlock`: the compliance lists
// of a profile and the guarded unlock.
class UserCommands
{
public:
    explicit UserCommands(CliContext &ctx);
    int run(const QStringList &args);

private:
    int lists(const QStringList &args); // locked, inactive, expiring
    int unlock(const QStringList &args);
    void printReport(const ComplianceReport &report, const QList<ComplianceList> &lists);

    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
