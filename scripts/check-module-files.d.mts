export declare const ROLES: Record<string, string>;
export declare const MAX_LINES: number;
export declare function checkModuleFiles(root: string): string[];
