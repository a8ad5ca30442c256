// The Debug Adapter Protocol face of a training run. It only translates: DAP requests become
// training-worker requests (through the RunController) and worker events become DAP events. The
// cursor, breakpoints, conditions and exception filters all live in the worker. `launch` loads a
// run; `attach` takes the run already loaded (model, data, settings and cursor) without touching
// it. Either runs to the first breakpoint, and stops on entry when asked or when no breakpoint is
// set. No vscode import: the same class runs inline in the extension and standalone over stdio.
import {
  ContinuedEvent,
  InitializedEvent,
  Logger,
  logger,
  LoggingDebugSession,
  OutputEvent,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Breakpoint, Cursor, ExceptionFilters, RunInfo, RunState, StoppedEvent as WorkerStop } from '../protocol';
import type { RunController } from '../session/runController';
import { DapProgress } from './dapProgress';
import { EXCEPTION_FILTERS, exceptionFilters, loadRequest, NlmAttachArguments, NlmLaunchArguments } from './debugConfig';
import { DebugVariables } from './debugVariables';
import { exerciseLines, ExerciseLines, isExerciseSource } from './exerciseSource';
import { ITERATION_NAME, ITERATION_SCHEME, ITERATION_URI, IterationDocument, renderIteration } from './iterationDocument';

/** Training is one thread of execution. */
const THREAD_ID = 1;
/** How long launch waits for the client's configurationDone before starting anyway. */
const CONFIGURATION_TIMEOUT_MS = 5000;

const COMPLETION_TYPES: Record<string, DebugProtocol.CompletionItemType> = {
  tensor: 'variable',
  scalar: 'property',
  function: 'function',
  keyword: 'keyword',
  word: 'text',
};

interface Loaded {
  info: RunInfo;
  doc: IterationDocument;
  variables: DebugVariables;
}

export interface NlmDebugSessionOptions {
  /** The standalone adapter owns its run and ends the worker on disconnect; the inline one shares the extension's. */
  ownsRun: boolean;
  /**
   * Give the iteration document a sourceReference, so clients other than VS Code (nvim-dap,
   * Emacs dap-mode), which cannot open the nlm-iteration: scheme, fetch its text with the
   * `source` request. The inline adapter leaves it out: VS Code opens the path through the
   * extension's file system, the very document that holds the gutter breakpoints.
   */
  referencedSource: boolean;
}

/** The iteration document's sourceReference when `referencedSource` (the only source there is). */
export const ITERATION_SOURCE_REFERENCE = 1;

export class NlmDebugSession extends LoggingDebugSession {
  private loaded: Loaded | undefined;
  private launchArgs: NlmLaunchArguments = {};
  /** Attached to a run someone else loaded: disconnecting leaves it as it is. */
  private attached = false;
  private cursor: Cursor = { epoch: 0, batch: 0, phase: 0, sub: 0, steps: 0 };
  /** The client shows the training thread as stopped (so a run started elsewhere must be announced). */
  private clientStopped = false;
  /** Set while this session loads the run, so its own 'run' event is not taken for someone else's. */
  private loading = false;
  /** Progress events of long requests (reading a corpus), with the client's cancel. */
  private readonly progress = new DapProgress((e) => this.sendEvent(e));
  private ended = false;
  private lastException = '';
  private nextBreakpointId = 1;
  /** Breakpoints by source (the iteration document, exercise files); the worker has them all,
   *  re-sent after a restart reloads the run. */
  private readonly sourceBreakpoints = new Map<string, Breakpoint[]>();
  /** Exercise files with breakpoints, by path: a stop in a phase they have a line for shows it. */
  private readonly exerciseFiles = new Map<string, ExerciseLines>();
  /** Exception filters as the worker has them, re-sent after a restart. */
  private filters: ExceptionFilters = {};
  /** Stops the worker reports while a request moving back in time is answered: sent after its
   *  response, since a client takes the response to stepBack for "the thread runs". */
  private heldStops: WorkerStop[] | undefined;
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((resolve) => (this.configured = resolve));

  private readonly onStopped = (e: WorkerStop) => this.workerStopped(e);
  private readonly onState = (state: RunState) => this.workerState(state);
  private readonly onLog = (message: string, level: 'info' | 'error') =>
    this.sendEvent(new OutputEvent(`${message}\n`, level === 'error' ? 'stderr' : 'console'));
  private readonly onRun = () => {
    if (this.loading) return;
    // The run is someone else's now: leave it alone.
    this.loaded = undefined;
    this.end('Another training run was loaded; this debug session ends.');
  };
  private readonly onCrash = (reason: string) => {
    this.loaded = undefined;
    this.end(reason, 'stderr');
  };

  constructor(
    private readonly run: RunController,
    private readonly options: NlmDebugSessionOptions,
  ) {
    super();
    // LoggingDebugSession sets up its (global) logger only in start(), which the inline adapter never
    // calls; until then every message would queue forever. Silent unless a launch asks for `trace`.
    logger.init((e) => this.sendEvent(e), undefined, false);
    logger.setup(Logger.LogLevel.Stop, false);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.progress.enabled = args.supportsProgressReporting === true;
    response.body = {
      supportsCancelRequest: true,
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS,
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsCompletionsRequest: true,
      supportsStepBack: true,
      completionTriggerCharacters: ['"', '('],
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: NlmLaunchArguments): Promise<void> {
    logger.setup(args.trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    this.listen();
    try {
      await this.load(args);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1001, format: `Cannot start training: ${message(e)}`, showUser: true });
      return;
    }
    this.sendEvent(new InitializedEvent());
    await Promise.race([this.configurationDone, new Promise((r) => setTimeout(r, CONFIGURATION_TIMEOUT_MS))]);
    await this.respond(response, () => this.begin());
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: NlmAttachArguments): Promise<void> {
    logger.setup(args.trace ? Logger.LogLevel.Verbose : Logger.LogLevel.Stop, false);
    const info = this.run.info;
    if (!info) {
      const format = 'There is no training run to debug: start one with NLM: Train, or with a launch configuration';
      this.sendErrorResponse(response, { id: 1003, format, showUser: true });
      return;
    }
    this.attached = true;
    this.launchArgs = { stopOnEntry: args.stopOnEntry };
    this.listen();
    this.loaded = { info, doc: renderIteration(info), variables: new DebugVariables(this.run, info) };
    try {
      // Breakpoints and filters of an earlier session must not linger: the client sends its own.
      await this.run.request({ kind: 'setBreakpoints', breakpoints: [] });
      await this.run.request({ kind: 'setExceptionFilters', filters: {} });
    } catch (e) {
      this.sendErrorResponse(response, { id: 1003, format: `Cannot debug the run: ${message(e)}`, showUser: true });
      return;
    }
    this.sendEvent(new InitializedEvent());
    await Promise.race([this.configurationDone, new Promise((r) => setTimeout(r, CONFIGURATION_TIMEOUT_MS))]);
    await this.respond(response, () => this.beginAttached(info));
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    await this.respond(response, async () => {
      // Restarting an attached session starts its run over: same data and settings, fresh weights.
      const again = this.attached && this.loaded ? { ...this.loaded.info.config, dataset: this.loaded.info.dataset.source, stopOnEntry: this.launchArgs.stopOnEntry } : undefined;
      this.attached = false;
      await this.load(again ?? (args.arguments as NlmLaunchArguments | undefined) ?? this.launchArgs);
      await this.run.request({ kind: 'setBreakpoints', breakpoints: this.workerBreakpoints });
      await this.run.request({ kind: 'setExceptionFilters', filters: this.filters });
      await this.begin();
    });
  }

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    await this.respond(response, async () => {
      const requested = args.breakpoints ?? [];
      if (isExerciseSource(args.source)) {
        response.body = { breakpoints: await this.installExerciseBreakpoints(args.source, requested) };
        return;
      }
      if (!isIterationSource(args.source)) {
        const msg = 'NLM breakpoints go in the iteration document (NLM: Open Iteration) or an exercise file (.nlmx)';
        response.body = { breakpoints: requested.map((b) => ({ verified: false, line: b.line, message: msg })) };
        return;
      }
      const { doc } = this.require();
      response.body = { breakpoints: await this.installBreakpoints(ITERATION_URI, doc, this.source(), requested) };
    });
  }

  protected override async setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): Promise<void> {
    await this.respond(response, async () => {
      const { filters, breakpoints } = exceptionFilters(args);
      this.filters = filters;
      await this.run.request({ kind: 'setExceptionFilters', filters });
      response.body = { breakpoints };
    });
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const known = args.sourceReference === ITERATION_SOURCE_REFERENCE || isIterationSource(args.source ?? {});
    if (!known || !this.loaded) {
      this.sendErrorResponse(response, { id: 1003, format: known ? 'no training run is loaded' : 'the only source of an NLM session is the iteration document', showUser: false });
      return;
    }
    response.body = { content: this.loaded.doc.text, mimeType: 'text/x-nlm-iteration' };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'training')] };
    this.sendResponse(response);
  }

  protected override async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    response.body = { allThreadsContinued: true };
    await this.resume(response, () => this.run.request({ kind: 'run' }));
  }

  protected override async nextRequest(response: DebugProtocol.NextResponse): Promise<void> {
    await this.resume(response, () => this.run.request({ kind: 'step', unit: 'phase' }));
  }

  protected override async stepInRequest(response: DebugProtocol.StepInResponse): Promise<void> {
    await this.resume(response, () => this.run.request({ kind: 'step', unit: 'sub' }));
  }

  protected override async stepOutRequest(response: DebugProtocol.StepOutResponse): Promise<void> {
    await this.resume(response, () => this.run.request({ kind: 'step', unit: 'iteration' }));
  }

  /** Back one phase, or one sub-step when stopped inside a phase's sub-steps (the worker's time travel). */
  protected override async stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): Promise<void> {
    await this.moveBack(response, () => this.run.request({ kind: 'stepBack', unit: args.granularity === 'instruction' ? 'sub' : undefined }));
  }

  /** Back to the previous breakpoint hit, across iterations and epochs. */
  protected override async reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): Promise<void> {
    await this.moveBack(response, () => this.run.request({ kind: 'reverseContinue' }));
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    await this.respond(response, () => this.run.request({ kind: 'pause' }));
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    this.end('Training stopped.');
    await this.respond(response, () => this.stopTraining());
  }

  protected override async disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
    args: DebugProtocol.DisconnectArguments,
    request?: DebugProtocol.Request,
  ): Promise<void> {
    // A launched run ends with its session; an attached one goes on without the debugger's stops.
    const leave = this.attached ? () => this.detach() : () => this.stopTraining();
    await leave().catch(() => undefined);
    this.unlisten();
    if (this.options.ownsRun) await this.run.dispose();
    super.disconnectRequest(response, args, request);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const frames = this.loaded ? this.frames(this.loaded) : [];
    const start = args.startFrame ?? 0;
    response.body = { stackFrames: frames.slice(start, args.levels ? start + args.levels : undefined), totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse): Promise<void> {
    await this.respond(response, async () => {
      response.body = { scopes: await this.require().variables.scopes(this.cursor) };
    });
  }

  protected override async variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): Promise<void> {
    await this.respond(response, async () => {
      const page = { filter: args.filter, start: args.start, count: args.count };
      response.body = { variables: await this.require().variables.variables(args.variablesReference, page, this.cursor) };
    });
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    await this.respond(response, async () => {
      const { variables } = this.require();
      const expression = args.expression.trim();
      // A bare tensor name expands like it does in the Variables view.
      if (await variables.isTensor(expression)) {
        const v = await variables.tensor(expression);
        response.body = {
          result: `${expression} ${v.value}`,
          type: v.type,
          variablesReference: v.variablesReference,
          namedVariables: v.namedVariables,
          indexedVariables: v.indexedVariables,
        };
        return;
      }
      const { text } = await this.run.request({ kind: 'evaluate', expression: args.expression });
      response.body = { result: text, variablesReference: 0 };
    });
  }

  protected override async completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): Promise<void> {
    await this.respond(response, async () => {
      const offset = this.convertClientColumnToDebugger(args.column) - 1;
      const { from, items } = await this.run.request({ kind: 'completions', text: args.text, offset });
      response.body = {
        targets: items.map((c) => ({
          label: c.label,
          type: COMPLETION_TYPES[c.kind],
          start: this.convertDebuggerColumnToClient(from + 1),
          length: offset - from,
        })),
      };
    });
  }

  /** A cancel of a progress (reading a corpus at launch) aborts that worker request. */
  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    if (args.progressId) this.progress.cancel(args.progressId);
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    response.body = { exceptionId: 'Training stopped', description: this.lastException, breakMode: 'always' };
    this.sendResponse(response);
  }

  private async load(args: NlmLaunchArguments): Promise<void> {
    this.launchArgs = args;
    this.loading = true;
    try {
      const reading = this.progress.start(`Reading ${!args.dataset || args.dataset === 'demo' ? 'the demo corpus' : args.dataset}`);
      const info = await this.run.load(loadRequest(args), reading.options).finally(() => reading.end());
      this.loaded = { info, doc: renderIteration(info), variables: new DebugVariables(this.run, info) };
    } finally {
      this.loading = false;
    }
  }

  /** After (re)loading: stop on entry or start training. */
  private async begin(): Promise<void> {
    this.cursor = { epoch: 0, batch: 0, phase: 0, sub: 0, steps: 0 };
    if (this.stopsOnEntry()) this.stopOnEntry();
    else {
      this.clientStopped = false;
      await this.run.request({ kind: 'run' });
    }
  }

  /** After attaching: the run as it is, stopped where it stands or running on to a breakpoint. */
  private async beginAttached(info: RunInfo): Promise<void> {
    const { state, cursor, trainedOut } = await this.run.request({ kind: 'status' });
    this.cursor = cursor;
    const where = `epoch ${cursor.epoch + 1} of ${info.config.epochs}, batch ${cursor.batch + 1}, ${cursor.steps} iterations trained`;
    const done = trainedOut ? ' It has trained all its epochs: running or stepping on trains one more epoch.' : '';
    this.sendEvent(new OutputEvent(`Debugging the current run (${info.dataset.name}, ${where}); nothing was reloaded.${done}\n`, 'console'));
    const stop = this.stopsOnEntry();
    if (state === 'running') {
      this.clientStopped = false;
      // The worker answers with a stop at the next phase boundary.
      if (stop) await this.run.request({ kind: 'pause' });
    } else if (stop) this.stopOnEntry();
    else {
      this.clientStopped = false;
      await this.run.request({ kind: 'run' });
    }
  }

  /** `stopOnEntry` when given; otherwise only when there is no breakpoint to run to. */
  private stopsOnEntry(): boolean {
    return this.launchArgs.stopOnEntry ?? this.workerBreakpoints.length === 0;
  }

  private stopOnEntry(): void {
    this.clientStopped = true;
    this.sendEvent(new StoppedEvent('entry', THREAD_ID));
  }

  /** Every source's breakpoints, as the worker has them. */
  private get workerBreakpoints(): Breakpoint[] {
    return [...this.sourceBreakpoints.values()].flat();
  }

  /** Breakpoints on the lines of an exercise file, read from disk as it was saved. */
  private async installExerciseBreakpoints(source: DebugProtocol.Source, requested: DebugProtocol.SourceBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    const file = source.path!;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      return requested.map((b) => ({ verified: false, line: b.line, message: `cannot read ${file}: ${(e as Error).message}` }));
    }
    const lines = exerciseLines(text, this.require().info.phases);
    if (requested.length > 0) this.exerciseFiles.set(file, lines);
    else this.exerciseFiles.delete(file);
    return this.installBreakpoints(file, lines, new Source(path.basename(file), file), requested);
  }

  private async installBreakpoints(
    key: string,
    doc: Pick<ExerciseLines, 'phaseAt' | 'phaseLineFrom'> & Partial<Pick<IterationDocument, 'loopAt'>>,
    source: Source,
    requested: DebugProtocol.SourceBreakpoint[],
  ): Promise<DebugProtocol.Breakpoint[]> {
    const placed = requested.map((b) => {
      // A breakpoint on a comment or blank line moves down to the next phase, like a debugger moves it to code.
      const line = doc.phaseLineFrom(this.convertClientLineToDebugger(b.line));
      const phase = line === undefined ? undefined : doc.phaseAt(line);
      // On a time loop's line it sits on each of the loop's phases, as one breakpoint (one id, one hit count).
      const phases = line === undefined ? [] : (doc.loopAt?.(line) ?? (phase === undefined ? [] : [phase]));
      return { id: this.nextBreakpointId++, line, phases, source: b };
    });
    const mine = placed.flatMap((p) =>
      p.phases.map((phase) => ({ id: p.id, phase, condition: p.source.condition, hitCondition: p.source.hitCondition, logMessage: p.source.logMessage })),
    );
    this.sourceBreakpoints.set(key, mine);
    const replies = new Map((await this.run.request({ kind: 'setBreakpoints', breakpoints: this.workerBreakpoints })).map((r) => [r.id, r]));
    return placed.map((p) => {
      const reply = replies.get(p.id);
      return {
        id: p.id,
        verified: reply?.verified ?? false,
        message: reply ? reply.message : 'no phase on or after this line',
        line: p.line === undefined ? p.source.line : this.convertDebuggerLineToClient(p.line),
        source,
      };
    });
  }

  /** phase › batch › epoch, innermost first, all on lines of the iteration document. */
  private frames({ info, doc }: Loaded): StackFrame[] {
    const c = this.cursor;
    const phase = info.phases[c.phase];
    const src = this.source();
    const line = (n: number) => this.convertDebuggerLineToClient(n);
    const first = doc.phaseLines.get(info.phases[0].name)!;
    const name = c.sub > 0 ? `${phase.name} › ${phase.subSteps[c.sub]}` : phase.name;
    // A phase that an exercise file with breakpoints has a line for shows that line.
    const exercise = [...this.exerciseFiles].map(([file, lines]) => ({ file, line: lines.lineOf(phase.name) })).find((e) => e.line !== undefined);
    const top = exercise ? new StackFrame(1, name, new Source(path.basename(exercise.file), exercise.file), line(exercise.line!), 1) : new StackFrame(1, name, src, line(doc.phaseLines.get(phase.name)!), 1);
    // A time step of a recurrent model's unrolled loop is a frame of its own, on the loop's line.
    const loopLine = doc.loopLines.get(phase.name);
    const steps = Math.max(...info.phases.map((p) => p.timeStep ?? 0));
    const through = phase.direction === 'backward' ? ' · backward through time' : '';
    const loop = loopLine === undefined ? [] : [new StackFrame(4, `time step t = ${phase.timeStep} of ${steps}${through}`, src, line(loopLine), 1)];
    return [
      top,
      ...loop,
      new StackFrame(2, `batch ${c.batch + 1} of ${info.batchesPerEpoch}`, src, line(first), 1),
      new StackFrame(3, `epoch ${c.epoch + 1} of ${info.config.epochs}`, src, line(1), 1),
    ];
  }

  private source(): Source {
    return new Source(ITERATION_NAME, ITERATION_URI, this.options.referencedSource ? ITERATION_SOURCE_REFERENCE : undefined);
  }

  private workerStopped(e: WorkerStop): void {
    if (this.heldStops) {
      this.heldStops.push(e);
      return;
    }
    this.cursor = e.cursor;
    if (e.reason === 'finished') {
      this.end('Training finished.');
      return;
    }
    this.loaded?.variables.reset();
    this.clientStopped = true;
    const event = new StoppedEvent(e.reason, THREAD_ID) as DebugProtocol.StoppedEvent;
    if (e.reason === 'breakpoint') event.body.hitBreakpointIds = e.breakpointIds;
    if (e.reason === 'exception') {
      this.lastException = e.description;
      event.body.description = 'Paused on a training problem';
      event.body.text = e.description;
    }
    this.sendEvent(event);
  }

  private workerState(state: RunState): void {
    if (state === 'running' && this.clientStopped) {
      // Someone else (the dashboard, a command) resumed the shared run.
      this.clientStopped = false;
      this.sendEvent(new ContinuedEvent(THREAD_ID, true));
    } else if (state === 'finished') {
      this.end('Training finished.');
    }
  }

  private async moveBack(response: DebugProtocol.Response, move: () => Promise<null>): Promise<void> {
    this.clientStopped = false;
    this.heldStops = [];
    try {
      await this.respond(response, move);
    } finally {
      const held = this.heldStops;
      this.heldStops = undefined;
      // A failed move stops nowhere new: the client still shows the thread where it was.
      if (held.length === 0) this.clientStopped = true;
      for (const stop of held) this.workerStopped(stop);
    }
  }

  private async resume(response: DebugProtocol.Response, start: () => Promise<null>): Promise<void> {
    this.clientStopped = false;
    await this.respond(response, start);
  }

  private async stopTraining(): Promise<void> {
    if (this.loaded) await this.run.request({ kind: 'stop' });
  }

  /** Leaves an attached run as it is, minus this session's breakpoints and filters. */
  private async detach(): Promise<void> {
    if (!this.loaded) return;
    await this.run.request({ kind: 'setBreakpoints', breakpoints: [] });
    await this.run.request({ kind: 'setExceptionFilters', filters: {} });
  }

  /** Ends the session once: a last word in the Debug Console, then TerminatedEvent. */
  private end(text: string, category = 'console'): void {
    if (this.ended) return;
    this.ended = true;
    this.unlisten();
    this.sendEvent(new OutputEvent(`${text}\n`, category));
    this.sendEvent(new TerminatedEvent());
  }

  private listen(): void {
    this.run.on('stopped', this.onStopped);
    this.run.on('state', this.onState);
    this.run.on('log', this.onLog);
    this.run.on('run', this.onRun);
    this.run.on('crashed', this.onCrash);
  }

  private unlisten(): void {
    this.run.off('stopped', this.onStopped);
    this.run.off('state', this.onState);
    this.run.off('log', this.onLog);
    this.run.off('run', this.onRun);
    this.run.off('crashed', this.onCrash);
  }

  private require(): Loaded {
    if (!this.loaded) throw new Error('no training run is loaded');
    return this.loaded;
  }

  /** Sends the response, or an error response with the failure's message: a request never crashes the adapter. */
  private async respond(response: DebugProtocol.Response, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1002, format: message(e), showUser: false });
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The iteration document, named by its path or by its sourceReference. */
function isIterationSource(source: DebugProtocol.Source): boolean {
  return source.sourceReference === ITERATION_SOURCE_REFERENCE || source.path?.startsWith(`${ITERATION_SCHEME}:`) === true;
}
