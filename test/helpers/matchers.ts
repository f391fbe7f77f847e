// jest's asymmetric matchers are typed `any`, which spreads through the object literals they stand
// in. These are the same matchers typed `unknown`: a value only toEqual / toMatchObject look at.

export const expectAny = (type: unknown): unknown => expect.any(type);
export const stringMatching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);
export const stringContaining = (text: string): unknown => expect.stringContaining(text);
export const arrayContaining = (items: readonly unknown[]): unknown => expect.arrayContaining(items);
export const objectContaining = (properties: Record<string, unknown>): unknown => expect.objectContaining(properties);
export const anything = (): unknown => expect.anything();
