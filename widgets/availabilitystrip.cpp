#include "availabilitystrip.h"

#include <QPainter>

namespace turnstile {

AvailabilityStrip::AvailabilityStrip(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setFixedHeight(sizeHint().height());
}

void AvailabilityStrip::setAvailability(const Availability &a)
{
    m_availability = a;
    update();
}

void AvailabilityStrip::paintEvent(QPaintEvent *)
{
    const Availability &a = m_availability;
    QPainter p(this);
    // Unknown is drawn as the frame of an empty strip, never as a colour a
    // reader could take for up or down.
    p.setPen(palette().color(QPalette::Mid));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect().adjusted(0, 0, -1, -1));
    if (a.to <= a.from)
        return;
    const double scale = double(width()) / double(a.to - a.from);
    // Down after up, so an outage of one probe is not painted over by the
    // pixel of its up neighbour.
    for (const auto state : {Availability::State::Up, Availability::State::Down})
        for (const Availability::Span &s : a.spans) {
            if (s.state != state)
                continue;
            const double x0 = double(s.from - a.from) * scale;
            // An outage of one probe stays visible: at least a pixel wide.
            const double w = std::max(1.0, double(s.seconds()) * scale);
            p.fillRect(QRectF(x0, 0, w, height()), s.state == Availability::State::Down
                                                       ? QColor(0xc6, 0x28, 0x28)
                                                       : QColor(0x2e, 0x7d, 0x32));
        }
}

} // namespace turnstile
