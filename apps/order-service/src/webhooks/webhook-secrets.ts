import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The secrets webhooks may be signed with: the current one, and a rotated-out one until it expires. */
@Injectable()
export class WebhookSecrets {
  private cached: { secrets: string[]; until: number } = { secrets: [], until: 0 };

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async current(): Promise<string[]> {
    if (Date.now() < this.cached.until) return this.cached.secrets;
    const rows: Array<{ secret: string }> = await this.dataSource.query(
      'SELECT secret FROM webhook_secrets WHERE expires_at IS NULL OR expires_at > now() ORDER BY id DESC',
    );
    // A short cache: secrets change on registration and rotation only.
    this.cached = { secrets: rows.map((r) => r.secret), until: Date.now() + 1000 };
    return this.cached.secrets;
  }

  forget(): void {
    this.cached = { secrets: [], until: 0 };
  }
}
