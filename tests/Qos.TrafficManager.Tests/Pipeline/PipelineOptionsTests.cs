using System;
using NUnit.Framework;
using Qos.EventCore;
using Qos.TrafficManager.Egress;
using Qos.TrafficManager.Pipeline;

namespace Qos.TrafficManager.Tests.Pipeline;

[TestFixture]
public sealed class PipelineOptionsTests
{
    [Test]
    public void A_burst_above_the_devices_new_event_threshold_is_refused_naming_both()
    {
        var ports = new[] { PipelineSetup.Port(PipelineSetup.Unshaped, new NullTxQueue()) };
        var options = new PipelineOptions
        {
            Ports = ports,
            Source = new ApplicationFrameSource(),
            Burst = 64,
            Device = new EventDeviceConfig { MaxInflight = 64 },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PacketPipeline.Create(options));
        Assert.That(e!.Message, Does.Contain("Burst 64").And.Contain("threshold 48"), "RX could never send such a burst: refused at once");
    }

    [Test]
    public void An_application_frame_of_no_bytes_or_above_the_ports_mtu_is_refused_where_it_is_posted()
    {
        var source = new ApplicationFrameSource();
        var ports = new[] { PipelineSetup.Port(PipelineSetup.Unshaped, new NullTxQueue()) };
        using var pipeline = PacketPipeline.Create(PipelineSetup.Options(ports, source, workers: 1, seed: 29));
        Assert.That(source.TryRent(out int frame), Is.True);
        Assert.Throws<ArgumentOutOfRangeException>(() => source.Post(frame, 0), "an empty frame would stop the egress port");
        Assert.Throws<ArgumentOutOfRangeException>(() => source.Post(frame, 1523), "above the MTU of 1522");
        Assert.Throws<ArgumentOutOfRangeException>(() => source.TryPost(new byte[1600]));
        source.Post(frame, 1522);
    }
}
