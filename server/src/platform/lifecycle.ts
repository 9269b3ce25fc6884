/** Process state shared by readiness and shutdown: once draining starts, load balancers must stop sending traffic. */
export class Lifecycle {
  private draining = false;

  get shuttingDown(): boolean {
    return this.draining;
  }

  beginShutdown(): void {
    this.draining = true;
  }
}
