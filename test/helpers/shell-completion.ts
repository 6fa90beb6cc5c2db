import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from './cli.js';

export type Shell = 'bash' | 'zsh' | 'fish';

/**
 * Real shells loading the real `keyward completion SHELL` script, asked for the candidates of a
 * command line as the shell's completion would compute them. `keyward` is on their PATH (a
 * wrapper running the built CLI), so the scripts' `keyward __complete` calls reach the real binary.
 */
export class ShellCompletion {
  readonly dir = mkdtempSync(join(tmpdir(), 'keyward-completion-'));
  private readonly scripts = new Map<Shell, string>();

  constructor(private readonly env: NodeJS.ProcessEnv = {}) {
    const wrapper = join(this.dir, 'keyward');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(wrapper, 0o755);
  }

  private shellEnv(): NodeJS.ProcessEnv {
    return { ...this.env, PATH: `${this.dir}:${process.env.PATH}`, HOME: this.dir, XDG_CONFIG_HOME: this.dir, XDG_DATA_HOME: this.dir };
  }

  /** Writes the script `keyward completion SHELL` prints, once per shell. */
  async script(shell: Shell): Promise<string> {
    const known = this.scripts.get(shell);
    if (known) return known;
    const out = await runCli(['completion', shell], this.env);
    if (out.code !== 0) throw new Error(`keyward completion ${shell} exited ${out.code}: ${out.stderr}`);
    const path = join(this.dir, `keyward.${shell}`);
    writeFileSync(path, out.stdout);
    this.scripts.set(shell, path);
    return path;
  }

  private run(file: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(file, args, { env: this.shellEnv(), timeout: 20_000 }, (error, stdout, stderr) => {
        // a script error (say, a test that reads a flag as an operator) shows on stderr, even when some candidates came out
        if (error || stderr !== '') reject(new Error(`${file} failed: ${error?.message ?? 'output on stderr'}\n${stderr}`));
        else resolve(stdout);
      });
    });
  }

  /** bash: sets COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD as bash does, calls the function `complete` registered. */
  async bash(line: string): Promise<string[]> {
    const program = `
      source "$1"
      spec=$(complete -p keyward) || exit 3
      [[ $spec == 'complete -F _keyward keyward' ]] || { echo "registered: $spec" >&2; exit 4; }
      COMP_LINE=$2
      COMP_POINT=\${#COMP_LINE}
      read -ra COMP_WORDS <<< "$COMP_LINE"
      [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
      COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
      _keyward keyward "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
      printf '%s\\n' "\${COMPREPLY[@]}"`;
    return lines(await this.run('bash', ['--norc', '--noprofile', '-c', program, 'bash', await this.script('bash'), line]), (l) => l);
  }

  /**
   * zsh: compinit, the script sourced (it registers itself with compdef), then its function called
   * with `words`/`CURRENT`/`PREFIX` set and zsh's candidate builtins replaced by functions that print
   * what they were given (they only work inside a live completion widget).
   */
  async zsh(line: string): Promise<string[]> {
    const program = `
      autoload -Uz compinit && compinit -u -D
      source "$1"
      [[ $_comps[keyward] == _keyward ]] || { print -u2 "not registered: $_comps[keyward]"; exit 4 }
      # as the builtins do, keep only the candidates that start with what is typed
      _describe() { local name=$argv[-1]; print -rl -- \${(M)\${(P)name}:#\${PREFIX}*} }
      compadd() { local -a given; given=("$@"); given=(\${given[\${given[(i)--]}+1,-1]}); print -rl -- \${(M)given:#\${PREFIX}*} }
      _files() { print -r -- '<files>' }
      words=("\${(@s: :)2}")
      CURRENT=$#words
      PREFIX=$words[CURRENT]
      _keyward`;
    // _describe's candidates are WORD:DESCRIPTION, with any ':' of the word escaped as '\\:'
    return lines(await this.run('zsh', ['-f', '-c', program, 'zsh', await this.script('zsh'), line]), (l) => l.replace(/(?<!\\):.*$/, '').replace(/\\:/g, ':'));
  }

  /** fish: the script sourced, then fish's own `complete -C LINE`. */
  async fish(line: string): Promise<string[]> {
    // fish prints WORD<TAB>DESCRIPTION
    return lines(await this.run('fish', ['--no-config', '-c', 'source $argv[1]; and complete -C $argv[2]', await this.script('fish'), line]), (l) => l.split('\t')[0] as string);
  }

  complete(shell: Shell, line: string): Promise<string[]> {
    return this[shell](line);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function lines(stdout: string, word: (line: string) => string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map(word);
}
