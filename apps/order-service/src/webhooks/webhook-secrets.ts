import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@payhook/platform';
import { currentSecrets } from '../store/webhook-registration';

/** The secrets webhooks may be signed with: the current one, and a rotated-out one until it expires. */
@Injectable()
export class WebhookSecrets {
  private cached: { secrets: string[]; until: number } = { secrets: [], until: 0 };

  constructor(@Inject(Database) private readonly database: Database) {}

  async current(): Promise<string[]> {
    if (Date.now() < this.cached.until) return this.cached.secrets;
    // A short cache: secrets change on registration and rotation only.
    this.cached = { secrets: await currentSecrets(this.database), until: Date.now() + 1000 };
    return this.cached.secrets;
  }

  forget(): void {
    this.cached = { secrets: [], until: 0 };
  }
}
