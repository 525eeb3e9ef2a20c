/**
 * Input checks shared by the encoders. An encoder refuses a value that does not fit its wire field with a
 * RangeError naming the message and field, instead of silently wrapping or clamping it.
 */

/** An integer in [min, max]. */
export function checkInt(message: string, field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${message}.${field} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

/**
 * A finite number that, rounded to the field's resolution `step`, lies in [min, max] (physical units).
 * Returns the raw wire value `round(value / step)`.
 */
export function checkScaled(
  message: string,
  field: string,
  value: number,
  step: number,
  min: number,
  max: number,
): number {
  const raw = Math.round(value / step);
  if (!Number.isFinite(value) || raw * step < min || raw * step > max) {
    throw new RangeError(
      `${message}.${field} must be a number in ${min}..${max} (resolution ${step}), got ${String(value)}`,
    );
  }
  return raw;
}

export function bit(flag: boolean, position: number): number {
  return flag ? 1 << position : 0;
}
