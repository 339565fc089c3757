using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Qos.Perf.Balance.Simulation;
using SkiaSharp;

namespace Qos.Perf.Balance;

/// <summary><c>--plot out.png</c>: per-worker load over time, one panel per policy, drawn with ScottPlot.</summary>
public static class BalancePlot
{
    private const int Width = 1400;
    private const int PanelHeight = 450;

    public static void Save(IReadOnlyList<BalanceResult> results, string path)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, PanelHeight * results.Count));
        surface.Canvas.Clear(SKColors.White);
        double top = results.SelectMany(r => r.Series).Where(s => s.WorkerLoads is not null).SelectMany(s => s.WorkerLoads!).DefaultIfEmpty(1).Max();
        for (int i = 0; i < results.Count; i++)
        {
            BalanceResult result = results[i];
            var plot = new ScottPlot.Plot();
            double[] times = result.Series.Select(s => s.TimeSeconds).ToArray();
            int workers = result.Scenario.Workers;
            for (int w = 0; w < workers; w++)
            {
                double[] loads = result.Series.Select(s => s.WorkerLoads?[w] ?? 0).ToArray();
                var line = plot.Add.Scatter(times, loads);
                line.MarkerSize = 0;
                line.LineWidth = 1;
            }

            var mean = plot.Add.HorizontalLine(result.Scenario.Load);
            mean.LineWidth = 1;
            mean.LinePattern = ScottPlot.LinePattern.Dashed;
            mean.Color = ScottPlot.Colors.Black;
            var band = plot.Add.HorizontalLine(result.Scenario.Load * 1.10);
            band.LineWidth = 1;
            band.LinePattern = ScottPlot.LinePattern.Dotted;
            band.Color = ScottPlot.Colors.Red;
            var warmup = plot.Add.VerticalLine(result.Scenario.WarmupNs / 1e9);
            warmup.LinePattern = ScottPlot.LinePattern.Dotted;
            warmup.Color = ScottPlot.Colors.Gray;
            plot.Title(FormattableString.Invariant($"{result.Scenario.Policy}: load of each of {workers} workers ({result.Scenario.SampleNs / 1e6} ms windows); max/mean p99 {result.MaxOverMeanP99:F3}, {result.MovesPerSecond:F0} moves/s, {result.CrossNodeMoves} cross-node"));
            plot.XLabel("virtual time (s)");
            plot.YLabel("load / capacity");
            plot.Axes.SetLimitsY(0, Math.Max(1.0, top * 1.05));
            using SKImage panel = SKImage.FromEncodedData(plot.GetImageBytes(Width, PanelHeight, ScottPlot.ImageFormat.Png));
            surface.Canvas.DrawImage(panel, 0, i * PanelHeight);
        }

        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }
}
