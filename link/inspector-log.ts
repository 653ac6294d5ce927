/** The newest messages, within a count and a byte budget (the oldest go first). */
export class BoundedLog {
  private readonly entries: string[] = [];
  private size = 0;

  constructor(private readonly maxCount: number, private readonly maxBytes: number) {}

  push(message: string): void {
    this.entries.push(message);
    this.size += Buffer.byteLength(message);
    while (this.entries.length > this.maxCount || (this.size > this.maxBytes && this.entries.length > 0)) {
      this.size -= Buffer.byteLength(this.entries.shift() ?? '');
    }
  }

  items(): readonly string[] {
    return this.entries;
  }

  get count(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.size;
  }
}
