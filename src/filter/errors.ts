// A filter that cannot be used says why and where, so the page can point at the spot.

export type FilterErrorCode =
  | 'unexpected_char' | 'unclosed_string' | 'unexpected_end' | 'unexpected_token' | 'unclosed_paren'
  | 'single_equals' | 'expected_value' | 'unknown_field' | 'bad_value' | 'bad_operator' | 'not_comparable';

export class FilterError extends Error {
  constructor(
    readonly code: FilterErrorCode,
    message: string,
    /** Character offsets into the filter text: the part that is wrong. */
    readonly at: number,
    readonly end: number,
    /** What the message names (found, wanted, field, op, value), for translated messages. */
    readonly params: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'FilterError';
  }
}
