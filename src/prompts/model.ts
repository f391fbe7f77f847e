/** What a prompt asks for (POST /prompt `type`), how it can end, and why. */
export const PROMPT_TYPES = ['confirm', 'select', 'text', 'email', 'phone', 'number', 'signature'] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];

export const PROMPT_STATUSES = ['OPEN', 'ANSWERED', 'SKIPPED', 'CANCELLED', 'TIMED_OUT'] as const;
export type PromptStatus = (typeof PROMPT_STATUSES)[number];
export type EndedStatus = Exclude<PromptStatus, 'OPEN'>;

export const PROMPT_REASONS = ['POS_CANCELLED', 'CUSTOMER_CANCELLED', 'TERMINAL_RESTARTED', 'REGISTER_UNPAIRED', 'PROMPT_TIMEOUT'] as const;
export type PromptReason = (typeof PROMPT_REASONS)[number];

/** Seconds a prompt waits for the cardholder unless the POS says otherwise. */
export const DEFAULT_TIMEOUT_S = 120;
