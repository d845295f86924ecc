import type { AppPageProps } from '../app/pages.js';

export default function Assignments(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
