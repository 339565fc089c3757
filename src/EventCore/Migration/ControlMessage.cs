namespace Qos.EventCore.Migration;

/// <summary>
/// A message on a port's control ring. The flows concerned are not copied into it: they are the originating
/// port's <see cref="Emigration"/>, which does not change until every port has confirmed.
/// </summary>
internal readonly record struct ControlMessage(ControlMessageType Type, byte OriginPort);
