/**
 * A problem an import cannot get past, named by where it is: a path (with a line for metric files),
 * a tracking server's URL, or the Threadline it sends to. The import command prints it as
 * "<where>: <reason>" and exits with status 1.
 */
export class ImportError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = "ImportError";
  }
}
