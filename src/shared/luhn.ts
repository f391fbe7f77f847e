/** Whether `digits` passes the Luhn check that every card number (PAN) passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A PAN is 13 to 19 digits and passes the Luhn check: anything else cannot be a card number. */
export const couldBePan = (digits: string): boolean => digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
