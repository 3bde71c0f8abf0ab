#include "chartview.h"

#include <QImage>
#include <QPainter>
#include <QTest>

using namespace turnstile;

namespace {
QList<Bucket> buckets(int n, qint64 start, qint64 step)
{
    QList<Bucket> out;
    for (int i = 0; i < n; ++i)
        out.append(Bucket{start + i * step, double(i), double(i + 10), double(2 * i + 10), 2});
    return out;
}
} // namespace

class TestChartView : public QObject
{
    Q_OBJECT
private slots:
    void everyBucketBecomesOnePoint()
    {
        ChartView v;
        v.resize(800, 400);
        v.setSeries({{QStringLiteral("token.live"), buckets(250, 1'700'000'000, 60)},
                     {QStringLiteral("token.expired"), buckets(17, 1'700'000'000, 600)}});
        QCOMPARE(v.linePointCount(0), 250);
        QCOMPARE(v.bandPointCount(0), 250);
        QCOMPARE(v.linePointCount(1), 17);
        QCOMPARE(v.linePointCount(2), -1);

        // Same curves, new data: replaced in place, no stale points left.
        v.setSeries({{QStringLiteral("token.live"), buckets(3, 1'700'000'000, 60)},
                     {QStringLiteral("token.expired"), {}}});
        QCOMPARE(v.linePointCount(0), 3);
        QCOMPARE(v.linePointCount(1), 0);

        v.setSeries({});
        QCOMPARE(v.linePointCount(0), -1);
    }
    void annotationsAreMarkers()
    {
        ChartView v;
        v.setTimeRange(1'700'000'000, 1'700'003'600);
        v.setAnnotations(
            {Annotation{1'700'001'000, QStringLiteral("p"), QStringLiteral("purge.tokens"),
                        QStringLiteral("purged 1.2M expired tokens")},
             Annotation{1'700'002'000, QStringLiteral("p"), QStringLiteral("keys.rotate"),
                        QStringLiteral("rotated")}});
        QCOMPARE(v.markerCount(), 2);
        // Markers follow the value axis when data arrives later.
        v.setSeries({{QStringLiteral("x"), buckets(5, 1'700'000'000, 60)}});
        QCOMPARE(v.markerCount(), 2);
        v.setAnnotations({});
        QCOMPARE(v.markerCount(), 0);
    }
    void rendersAtTargetSizeAndKeepsWidgetSize()
    {
        ChartView v;
        v.resize(640, 300);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.setTitle(QStringLiteral("Tokens"));
        v.setSeries({{QStringLiteral("token.live"), buckets(50, 1'700'000'000, 60)}});
        QCOMPARE(v.title(), QStringLiteral("Tokens"));
        QVERIFY(v.pixelBudget() >= 50);
        QVERIFY(v.pixelBudget() <= 640);

        QImage img(1000, 500, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::white);
        {
            QPainter p(&img);
            v.render(&p, QRectF(0, 0, 1000, 500));
        }
        // The curve reaches the right part of the target: the chart was laid
        // out at the target size, not drawn at widget size into a corner.
        int blue = 0;
        for (int x = 700; x < 1000; ++x)
            for (int y = 0; y < 500; ++y) {
                const QColor c = img.pixelColor(x, y);
                blue += c.blue() > c.red() + 60;
            }
        QVERIFY2(blue > 100, qPrintable(QString::number(blue)));
        QCOMPARE(v.size(), QSize(640, 300));
    }
};

QTEST_MAIN(TestChartView)
#include "tst_chartview.moc"
