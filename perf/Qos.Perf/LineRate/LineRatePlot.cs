using System;
using System.IO;
using System.Linq;
using Qos.Shaping.TrafficClasses;
using SkiaSharp;

namespace Qos.Perf.LineRate;

/// <summary>
/// <c>--plot out.png</c>: per-class rate over time (one line per class with traffic) above the latency
/// distribution of sent packets, drawn with ScottPlot.
/// </summary>
public static class LineRatePlot
{
    private const int Width = 1200;
    private const int PanelHeight = 500;

    public static void Save(LineRateReport report, string title, string path)
    {
        var rates = new ScottPlot.Plot();
        double[] times = report.ClassRateSeries.Select(s => s.Time).ToArray();
        for (int tc = 0; tc < TrafficClass.Count; tc++)
        {
            double[] values = report.ClassRateSeries.Select(s => s.ClassMbps[tc]).ToArray();
            if (values.Length == 0 || values.Max() <= 0)
            {
                continue;
            }

            var line = rates.Add.Scatter(times, values);
            line.LegendText = tc == TrafficClass.BestEffort ? "tc 12 (best effort)" : $"tc {tc}";
        }

        rates.Title($"{title}: rate per traffic class");
        rates.XLabel("time (s)");
        rates.YLabel("Mb/s on the line (frame overhead included)");
        rates.ShowLegend(ScottPlot.Alignment.UpperRight);
        rates.Axes.SetLimitsY(0, Math.Max(1, report.ClassRateSeries.SelectMany(s => s.ClassMbps).DefaultIfEmpty(1).Max() * 1.15));

        var latency = new ScottPlot.Plot();
        var buckets = report.Latency.Buckets().ToArray();
        double total = Math.Max(1, report.Latency.Count);
        double running = 0;
        double[] xs = new double[buckets.Length];
        double[] ys = new double[buckets.Length];
        for (int i = 0; i < buckets.Length; i++)
        {
            running += buckets[i].Count;
            xs[i] = Math.Log10(Math.Max(1, buckets[i].UpperEdge) / 1000.0);
            ys[i] = running / total * 100;
        }

        if (xs.Length > 0)
        {
            var cdf = latency.Add.Scatter(xs, ys);
            cdf.LegendText = $"p50 {report.Latency.Quantile(0.5) / 1e3:F1} µs, p99 {report.Latency.Quantile(0.99) / 1e3:F1} µs, p99.9 {report.Latency.Quantile(0.999) / 1e3:F1} µs";
            latency.ShowLegend(ScottPlot.Alignment.LowerRight);
        }

        latency.Title("queueing latency of sent packets (cumulative)");
        latency.XLabel("log10(latency / µs)");
        latency.YLabel("% of sent packets");
        latency.Axes.SetLimitsY(0, 100);

        using var surface = SKSurface.Create(new SKImageInfo(Width, 2 * PanelHeight));
        surface.Canvas.Clear(SKColors.White);
        using (var top = SKImage.FromEncodedData(rates.GetImageBytes(Width, PanelHeight, ScottPlot.ImageFormat.Png)))
        using (var bottom = SKImage.FromEncodedData(latency.GetImageBytes(Width, PanelHeight, ScottPlot.ImageFormat.Png)))
        {
            surface.Canvas.DrawImage(top, 0, 0);
            surface.Canvas.DrawImage(bottom, 0, PanelHeight);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }
}
