/** A metric or loss with exactly 4 decimals (`0.9375`, `1.0000`); non-finite values as `NaN`/`∞`. */
export function fixed4(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const text = value.toFixed(4);
  return text === '-0.0000' ? '0.0000' : text;
}

/** Up to 4 decimals without trailing zeros: `0.9375`, `0.94`, `1`. */
export function short4(value: number): string {
  if (!Number.isFinite(value)) return fixed4(value);
  return String(Number(value.toFixed(4)) + 0);
}

/** An integer with thousands separators, independent of the locale: `12,345`. */
export function grouped(value: number): string {
  if (!Number.isInteger(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
