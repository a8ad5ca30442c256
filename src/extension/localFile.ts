// Datasets and model files are read and written on the local disk, by our own parsers over `fs`.
// A URI of another scheme (a remote or virtual file system) gets a message that says so, never its
// fsPath, which names no file here.
import * as vscode from 'vscode';
import { InputError } from '../engine/errors';

/** The local path of `uri`; `what` names it in the error, e.g. "the dataset". */
export function localPath(uri: vscode.Uri, what: string): string {
  if (uri.scheme !== 'file') {
    throw new InputError(uri.toString(true), `${what} is on a "${uri.scheme}" file system: NLM Lab reads and writes files on this machine's disk only (open a local folder, or use the built-in demo corpus)`);
  }
  return uri.fsPath;
}
