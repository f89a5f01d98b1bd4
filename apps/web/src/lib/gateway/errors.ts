/** An error the gateway reported, or the failure to reach it, in a form safe to show a user. */
export interface GatewayFailure {
  /** The gateway's stable AQ code when it gives one, else its GraphQL code (BAD_USER_INPUT, NOT_FOUND...). */
  code: string;
  message: string;
}

export class GatewayError extends Error {
  readonly code: string;

  constructor(failure: GatewayFailure, options?: ErrorOptions) {
    super(failure.message, options);
    this.name = "GatewayError";
    this.code = failure.code;
  }

  toFailure(): GatewayFailure {
    return { code: this.code, message: this.message };
  }
}
