#pragma once

#include "health/availability.h"

#include <QWidget>

namespace turnstile {

// Whether Keystone answered over the last day, as a thin strip: green where
// it did, red where it did not, the window's background where nobody
// measured (Availability: a gap is unknown, not down). The sentence beside it
// is Availability::text().
class AvailabilityStrip : public QWidget
{
    Q_OBJECT
public:
    explicit AvailabilityStrip(QWidget *parent = nullptr);
    void setAvailability(const Availability &a);
    const Availability &availability() const { return m_availability; }

    QSize sizeHint() const override { return {200, 6}; }
    QSize minimumSizeHint() const override { return {40, 6}; }

protected:
    void paintEvent(class QPaintEvent *e) override;

private:
    Availability m_availability;
};

} // namespace turnstile
