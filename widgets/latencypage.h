#pragma once

#include "historychartspage.h"

namespace turnstile {

// How long Keystone takes to validate and to issue a token over time, and
// whether validation slows down as revocation events pile up (Keystone
// checks every validated token against the revocation list): a scatter of
// validation latency against the revocation_event row count.
class LatencyPage : public HistoryChartsPage
{
    Q_OBJECT
public:
    explicit LatencyPage(QWidget *parent = nullptr);

protected:
    QString noProfileText() const override;
    QString exportTitle() const override;
    QString exportStem() const override;
};

} // namespace turnstile
