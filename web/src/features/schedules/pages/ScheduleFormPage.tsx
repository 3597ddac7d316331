import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { Page } from '../../../components/ui';
import { QueryView } from '../../../components/states';
import { useSchedule } from '../api/schedules';
import { ScheduleForm } from '../components/ScheduleForm';
import '../schedules.css';

/** /schedules/new and /schedules/:id/edit. */
export default function ScheduleFormPage() {
  const { t } = useTranslation('schedules');
  const { id } = useParams();
  const schedule = useSchedule(id);
  if (!id)
    return (
      <Page title={t('newTitle')}>
        <ScheduleForm />
      </Page>
    );
  return (
    <Page title={t('editTitle')}>
      <QueryView query={schedule}>{(s) => <ScheduleForm key={s.id} schedule={s} />}</QueryView>
    </Page>
  );
}
