import '@mantine/core/styles.css';
import './app.css';
import { MantineProvider } from '@mantine/core';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AuthProvider } from './auth/AuthProvider.js';
import { I18nProvider } from './i18n/I18nProvider.js';
import { cssVariables, theme } from './ui/theme.js';
import { ToastProvider } from './ui/Toasts.js';
import { captureInviteToken } from './visits/invite-token.js';

// A guest's invitation link (`/app/join#<token>`): the token leaves the address bar before anything else runs.
captureInviteToken();

// One chunk per route: a page's code loads when it is first shown.
const Landing = lazy(() => import('./pages/Landing.js'));
const Callback = lazy(() => import('./pages/Callback.js'));
const Home = lazy(() => import('./pages/Home.js'));
const HealthRecord = lazy(() => import('./pages/HealthRecord.js'));
const Profile = lazy(() => import('./pages/Profile.js'));
const Sharing = lazy(() => import('./pages/Sharing.js'));
const AccessHistory = lazy(() => import('./pages/AccessHistory.js'));
const PatientSearch = lazy(() => import('./pages/PatientSearch.js'));
const Chart = lazy(() => import('./pages/Chart.js'));
const Appointments = lazy(() => import('./pages/Appointments.js'));
const AppointmentDetail = lazy(() => import('./pages/AppointmentDetail.js'));
const BookAppointment = lazy(() => import('./pages/BookAppointment.js'));
const Schedule = lazy(() => import('./pages/Schedule.js'));
const Availability = lazy(() => import('./pages/Availability.js'));
const StaffBooking = lazy(() => import('./pages/StaffBooking.js'));
const ScheduleVisit = lazy(() => import('./pages/ScheduleVisit.js'));
const GroupSessions = lazy(() => import('./pages/GroupSessions.js'));
const OpenAppointmentVisit = lazy(() => import('./pages/visits/OpenAppointmentVisit.js'));
const VisitPage = lazy(() => import('./pages/visits/VisitPage.js'));
const ClinicWaitingRoom = lazy(() => import('./pages/visits/ClinicWaitingRoom.js'));
const GuestJoin = lazy(() => import('./pages/visits/GuestJoin.js'));
const NotFound = lazy(() => import('./pages/NotFound.js'));

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables}>
      <I18nProvider>
        <ToastProvider>
          <AuthProvider loading={null}>
            <BrowserRouter basename="/app">
              <Suspense fallback={null}>
                <Routes>
                  <Route path="/" element={<Landing />} />
                  <Route path="/callback" element={<Callback />} />
                  <Route path="/home" element={<Home />} />
                  <Route path="/record" element={<HealthRecord />} />
                  <Route path="/record/access" element={<AccessHistory />} />
                  <Route path="/sharing" element={<Sharing />} />
                  <Route path="/profile" element={<Profile />} />
                  <Route path="/patients" element={<PatientSearch />} />
                  <Route path="/patients/:id" element={<Chart />} />
                  <Route path="/appointments" element={<Appointments />} />
                  <Route path="/appointments/book" element={<BookAppointment />} />
                  <Route path="/appointments/offers/:offerId" element={<AppointmentDetail />} />
                  <Route path="/appointments/:id" element={<AppointmentDetail />} />
                  <Route path="/schedule" element={<Schedule />} />
                  <Route path="/schedule/availability" element={<Availability />} />
                  <Route path="/schedule/book" element={<StaffBooking />} />
                  <Route path="/schedule/visits/:id" element={<ScheduleVisit />} />
                  <Route path="/schedule/sessions" element={<GroupSessions />} />
                  <Route path="/visits/appointment/:appointmentId" element={<OpenAppointmentVisit />} />
                  <Route path="/visits/:visitId" element={<VisitPage />} />
                  <Route path="/clinic/waiting-room" element={<ClinicWaitingRoom />} />
                  <Route path="/join" element={<GuestJoin />} />
                  <Route path="*" element={<NotFound />} />
                </Routes>
              </Suspense>
            </BrowserRouter>
          </AuthProvider>
        </ToastProvider>
      </I18nProvider>
    </MantineProvider>
  </StrictMode>,
);
