#pragma once

#include "historychartspage.h"

namespace turnstile {

// How fast a profile's Keystone tables grow: token rows (live and expired),
// revocation events and trusts, with the purges and rotations that changed
// them as markers.
class GrowthPage : public HistoryChartsPage
{
    Q_OBJECT
public:
    explicit GrowthPage(QWidget *parent = nullptr);

protected:
    QString noProfileText() const override;
    QString exportTitle() const override;
    QString exportStem() const override;
};

} // namespace turnstile
