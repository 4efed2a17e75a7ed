/**
 * Devices the estimate and the probe run for, without native code: GPU device profiles
 * ({@code profiles/*.yaml}, {@link dev.caffemem.device.DeviceProfiles}) and the choice of the probe child's
 * natives ({@link dev.caffemem.device.NativeConfig}). Nothing here names or loads a JavaCPP class.
 */
package dev.caffemem.device;
