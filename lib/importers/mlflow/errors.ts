/**
 * A problem with an MLflow source, named by where it is: a path (with a line for metric files) or a
 * URL. The import command prints it as "<where>: <reason>" and exits with status 1.
 */
export class MlflowSourceError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = "MlflowSourceError";
  }
}
