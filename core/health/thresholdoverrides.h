#pragma once

#include "health/thresholds.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace turnstile {

// A profile's own levels for one rule; an unset level keeps the default.
struct ThresholdLevels
{
    std::optional<double> warn;
    std::optional<double> critical;

    bool isEmpty() const { return !warn && !critical; }
    // {"warn": x, "critical": y}, the form Profile::thresholds holds.
    QJsonObject toJson() const;
    static ThresholdLevels fromJson(const QJsonObject &o);
    bool operator==(const ThresholdLevels &) const = default;
};

// The key a rule is overridden under: its metric, with "/day" for a growth
// rule ("token.live/day"), so a metric's level and its growth are set apart.
QString thresholdKey(const ThresholdRule &r);
// Every key that can be overridden, in the order of defaultThresholds().
QStringList thresholdKeys();
// The default rule of a key; none for a key no rule has.
std::optional<ThresholdRule> thresholdRuleFor(const QString &key);
// The rule in words, for a label: "Validation time", "Live tokens per day".
QString thresholdLabel(const ThresholdRule &r);
// The unit its levels are written in: "ms", "rows", "rows a day", "share (0–1)".
QString thresholdUnit(const ThresholdRule &r);

// The one reader of threshold levels, for the profile editor, `turnstilectl
// thresholds --set` and the profile file alike. "WARN:CRITICAL"; either side
// may be empty, and keeps that level's default ("500000:"). Numbers are
// written as a program reads them: digits and a '.' (0.5, 300), in every
// language. The levels are checked against each other (the other side's
// default when it is empty), against 0 and, for shares, against 1. On a
// problem: nothing, and one sentence in *error.
std::optional<ThresholdLevels> parseThresholdLevels(const QString &key, const QString &text,
                                                    QString *error = nullptr);
// The same for the two fields of the editor.
std::optional<ThresholdLevels> parseThresholdLevels(const QString &key, const QString &warn,
                                                    const QString &critical,
                                                    QString *error = nullptr);
// "300:800", "500000:", ":0.9": what parseThresholdLevels reads back.
QString formatThresholdLevels(const ThresholdLevels &levels);
// One level as the parser reads it: 1000000, never 1e+06.
QString formatThresholdLevel(double value);

} // namespace turnstile
