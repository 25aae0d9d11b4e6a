/**
 * Decimal text taken apart, to compare the digits a value has with the digits a column or a
 * double keeps: "-0012.3400" and "-1.234e1" are both `{ negative: true, digits: "1234", point: 2 }`
 * (leading and trailing zeros dropped; `point`: how many digits stand before the decimal point,
 * negative or beyond `digits.length` when zeros would be written there). Zero has no digits.
 */
export interface DecimalParts {
  readonly negative: boolean;
  readonly digits: string;
  readonly point: number;
}

/** The parts of text that is a decimal number (digits, an optional point, sign and exponent). */
export function decimalParts(text: string): DecimalParts {
  const e = text.search(/[eE]/);
  const mantissa = e === -1 ? text : text.slice(0, e);
  const sign = mantissa.charCodeAt(0);
  const negative = sign === 45; /* - */
  const unsigned = negative || sign === 43 /* + */ ? mantissa.slice(1) : mantissa;
  const dot = unsigned.indexOf(".");
  const all = dot === -1 ? unsigned : unsigned.slice(0, dot) + unsigned.slice(dot + 1);
  let point = (dot === -1 ? unsigned.length : dot) + (e === -1 ? 0 : Number(text.slice(e + 1)));
  let start = 0;
  while (start < all.length && all.charCodeAt(start) === 48) start++;
  if (start === all.length) return { negative: false, digits: "", point: 0 };
  let end = all.length;
  while (all.charCodeAt(end - 1) === 48) end--;
  point -= start;
  return { negative, digits: all.slice(start, end), point };
}

/** Digits before the point and after it that writing the value takes (0 for zero). */
export function decimalWidth(text: string): { readonly whole: number; readonly fraction: number } {
  const { digits, point } = decimalParts(text);
  return { whole: Math.max(0, point), fraction: Math.max(0, digits.length - point) };
}
